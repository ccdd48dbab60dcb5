using System.Text.Json;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Cli;

/// <summary>End-to-end runs of the built executable against the local-directory store.</summary>
public sealed class CancelCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly BuquetProcess _buquet;

    public CancelCommandTests() => _buquet = new BuquetProcess(_dir.Path);

    public void Dispose() => _dir.Dispose();

    private async Task<string> SubmitAsync(string type, params string[] extra)
    {
        var run = await _buquet.RunAsync(["submit", "-t", type, "--json", .. extra]);
        Assert.True(run.ExitCode == 0, run.ToString());
        using var doc = JsonDocument.Parse(run.Stdout);
        return doc.RootElement.GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task Cancel_ThenHistoryReplayArchive_ReportEachOutcome()
    {
        var id = await SubmitAsync("cleanup");

        var cancel = await _buquet.RunAsync("cancel", id, "-r", "not needed", "-b", "ops", "--json");
        Assert.True(cancel.ExitCode == 0, cancel.ToString());
        using (var doc = JsonDocument.Parse(cancel.Stdout))
        {
            Assert.Equal(1, doc.RootElement.GetProperty("cancelled").GetInt32());
            Assert.Equal(0, doc.RootElement.GetProperty("failed").GetInt32());
            var t = doc.RootElement.GetProperty("tasks")[0];
            Assert.Equal(id, t.GetProperty("id").GetString());
            Assert.Equal("applied", t.GetProperty("result").GetString());
            Assert.Equal("cancelled", t.GetProperty("status").GetString());
        }

        var history = await _buquet.RunAsync("history", id, "--json");
        Assert.True(history.ExitCode == 0, history.ToString());
        using (var doc = JsonDocument.Parse(history.Stdout))
        {
            var statuses = doc.RootElement.EnumerateArray().Select(v => v.GetProperty("status").GetString()).ToList();
            Assert.Equal(["cancelled", "pending"], statuses);
            Assert.Equal("ops", doc.RootElement[0].GetProperty("cancelled_by").GetString());
        }

        var human = await _buquet.RunAsync("history", id);
        Assert.Matches(@"Version 2: Cancelled at .*\nVersion 1: Pending at ", human.Stdout.Replace("\r", ""));

        var replay = await _buquet.RunAsync("replay", id);
        Assert.Equal(1, replay.ExitCode);
        Assert.Contains("Error: Cannot replay task", replay.Stderr);

        var archive = await _buquet.RunAsync("archive", Guid.NewGuid().ToString());
        Assert.Equal(1, archive.ExitCode);
        Assert.Contains("not found", archive.Stderr);
    }

    [Fact]
    public async Task Cancel_ByTaskType_CancelsOnlyThatType()
    {
        var a1 = await SubmitAsync("alpha");
        var a2 = await SubmitAsync("alpha");
        var b = await SubmitAsync("beta");

        var run = await _buquet.RunAsync("cancel", "-t", "alpha");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Cancelled 2 tasks of type 'alpha' (0 failed)", run.Stdout);
        var list = await _buquet.RunAsync("list", "--status", "pending", "--json");
        using var doc = JsonDocument.Parse(list.Stdout);
        var pending = doc.RootElement.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("id").GetString()).ToList();
        Assert.Equal([b], pending);
        Assert.DoesNotContain(a1, pending);
        Assert.DoesNotContain(a2, pending);
    }

    [Fact]
    public async Task Cancel_UnknownId_ExitsOne()
    {
        var run = await _buquet.RunAsync("cancel", Guid.NewGuid().ToString());

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("not found", run.Stderr);
    }
}
