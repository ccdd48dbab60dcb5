using System.Text.Json;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Cli;

/// <summary>End-to-end runs of the built executable against the local-directory store.</summary>
public sealed class CancelCommandTests : LocalCliTest
{
    [Fact]
    public async Task Cancel_ThenHistoryReplayArchive_ReportEachOutcome()
    {
        var id = await SubmitAsync("cleanup");

        var cancel = await Buquet.RunAsync("cancel", id, "-r", "not needed", "-b", "ops", "--json");
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

        var history = await Buquet.RunAsync("history", id, "--json");
        Assert.True(history.ExitCode == 0, history.ToString());
        using (var doc = JsonDocument.Parse(history.Stdout))
        {
            var statuses = doc.RootElement.EnumerateArray().Select(v => v.GetProperty("status").GetString()).ToList();
            Assert.Equal(["cancelled", "pending"], statuses);
            Assert.Equal("ops", doc.RootElement[0].GetProperty("cancelled_by").GetString());
        }

        var human = await Buquet.RunAsync("history", id);
        Assert.Matches(@"Version 2: Cancelled at .*\nVersion 1: Pending at ", human.Stdout.Replace("\r", ""));

        var replay = await Buquet.RunAsync("replay", id);
        Assert.Equal(1, replay.ExitCode);
        Assert.Contains("Error: Cannot replay task", replay.Stderr);

        var archive = await Buquet.RunAsync("archive", Guid.NewGuid().ToString());
        Assert.Equal(1, archive.ExitCode);
        Assert.Contains("not found", archive.Stderr);
    }

    [Fact]
    public async Task Cancel_ByTaskType_CancelsOnlyThatType()
    {
        var a1 = await SubmitAsync("alpha");
        var a2 = await SubmitAsync("alpha");
        var b = await SubmitAsync("beta");

        var run = await Buquet.RunAsync("cancel", "-t", "alpha");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Cancelled 2 tasks of type 'alpha' (0 failed)", run.Stdout);
        var list = await Buquet.RunAsync("list", "--status", "pending", "--json");
        using var doc = JsonDocument.Parse(list.Stdout);
        var pending = doc.RootElement.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("id").GetString()).ToList();
        Assert.Equal([b], pending);
        Assert.DoesNotContain(a1, pending);
        Assert.DoesNotContain(a2, pending);
    }

    [Fact]
    public async Task Cancel_RunningTask_RequestTouchesShardHintAndStatusShowsCancelPending()
    {
        var id = await SubmitAsync("crunch");
        using var store = new SqliteObjectStore(Dir.StorePath);
        var claim = await new TaskRepository(store, new StoreClock(store)).ClaimAsync(Guid.Parse(id), "worker-test");
        Assert.True(claim.Claimed, claim.Message);

        var cancel = await Buquet.RunAsync("cancel", id, "-r", "wrong input", "-b", "ops");

        Assert.True(cancel.ExitCode == 0, cancel.ToString());
        Assert.Contains($"Task {id} cancellation requested (running: its worker stops the handler within its cancel check interval", cancel.Stdout);
        Assert.NotNull(await store.HeadAsync(CancelHints.Key(claim.Snapshot!.Task.Shard)));
        var status = await Buquet.RunAsync("status", id);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("Status:      Running", status.Stdout);
        Assert.Contains("Cancel:      pending (requested; the worker stops the handler)", status.Stdout);
        Assert.Contains("Last Error:  wrong input", status.Stdout);
        Assert.Contains("Cancelled By: ops", status.Stdout);
    }

    [Fact]
    public async Task Cancel_UnknownId_ExitsOne()
    {
        var run = await Buquet.RunAsync("cancel", Guid.NewGuid().ToString());

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("not found", run.Stderr);
    }
}
