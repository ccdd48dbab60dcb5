using Buquet.Actors.Configuration;
using Buquet.Actors.Storage;
using Buquet.Host.Dashboard;

namespace Buquet.Host.Tests.Dashboard;

public sealed class DashboardHostTests
{
    [Fact]
    public async Task ServeAsync_UntilCancelled_PrintsAddressServesAndExitsZero()
    {
        var options = new BuquetOptions();
        options.Dashboard.Port = 0;
        var output = new AnnouncingWriter();
        using var cts = new CancellationTokenSource();

        var serving = DashboardHost.ServeAsync(options, new InMemoryObjectStore(), output, null, cts.Token);
        var line = await output.FirstLine.Task.WaitAsync(TimeSpan.FromSeconds(20));
        var address = new Uri(line["Dashboard running at ".Length..]);
        using var http = new HttpClient();
        var health = await http.GetStringAsync(new Uri(address, "/healthz"));
        await cts.CancelAsync();
        var code = await serving.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.StartsWith("Dashboard running at http://127.0.0.1:", line, StringComparison.Ordinal);
        Assert.Equal("ok", health);
        Assert.Equal(0, code);
    }

    private sealed class AnnouncingWriter : StringWriter
    {
        public TaskCompletionSource<string> FirstLine { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override Task WriteLineAsync(string? value)
        {
            FirstLine.TrySetResult(value ?? string.Empty);
            return base.WriteLineAsync(value);
        }
    }
}
