using System.Text;

namespace Buquet.Host.Tests.Dashboard;

/// <summary>Reads a text/event-stream response event by event (comments and retry lines skipped).</summary>
internal sealed class SseReader(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8);

    /// <summary>The next event with a name; fails the test after <paramref name="timeout"/>.</summary>
    public async Task<(string Name, string Data)> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        string? name = null;
        var data = new StringBuilder();
        while (true)
        {
            var line = await _reader.ReadLineAsync(cts.Token) ?? throw new EndOfStreamException("the event stream ended");
            if (line.Length == 0)
            {
                if (name is not null)
                {
                    return (name, data.ToString());
                }

                continue;
            }

            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(data.Length > 0 ? "\n" : string.Empty).Append(line["data: ".Length..]);
            }
        }
    }

    /// <summary>Reads fragment events until one contains <paramref name="text"/>.</summary>
    public async Task<string> UntilFragmentContainingAsync(string text)
    {
        while (true)
        {
            var (name, data) = await NextAsync();
            if (name == "fragment" && data.Contains(text, StringComparison.Ordinal))
            {
                return data;
            }
        }
    }

    public void Dispose() => _reader.Dispose();
}
