using System.Text.Json;

namespace Buquet.Host.Tests.Support;

/// <summary>
/// Base of the end-to-end CLI tests that run the built executable against the local-directory store in a scratch
/// working directory (one per test).
/// </summary>
public abstract class LocalCliTest : IDisposable
{
    protected LocalCliTest() => Buquet = new BuquetProcess(Dir.Path);

    /// <summary>The scratch working directory (its <c>buquet-data</c> is the local store).</summary>
    protected TempDirectory Dir { get; } = new();

    /// <summary>Runs <c>buquet</c> in <see cref="Dir"/>.</summary>
    protected BuquetProcess Buquet { get; }

    public void Dispose()
    {
        Dir.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Submits a task of <paramref name="type"/> with <c>buquet submit --json</c> and returns its id.</summary>
    protected async Task<string> SubmitAsync(string type, params string[] extra)
    {
        var run = await Buquet.RunAsync(["submit", "-t", type, "--json", .. extra]);
        Assert.True(run.ExitCode == 0, run.ToString());
        using var doc = JsonDocument.Parse(run.Stdout);
        return doc.RootElement.GetProperty("id").GetString()!;
    }
}
