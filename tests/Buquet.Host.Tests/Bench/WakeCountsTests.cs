using Buquet.Actors.Diagnostics;
using Buquet.Actors.Storage;
using Buquet.Host.Bench;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Bench;

public sealed class WakeCountsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static WakeCounts Of(params (string Key, long N)[] counts) =>
        new(counts.ToDictionary(c => c.Key, c => c.N), new HashSet<string> { WakeCounts.Wakeups });

    [Fact]
    public void Sum_TwoProcesses_AddsByKeyAndUnionsPublished()
    {
        var a = Of(("buquet.poller.wakeups/push", 3), ("buquet.poller.wakeups/hint", 1));
        var b = new WakeCounts(new Dictionary<string, long> { ["buquet.worker.pickups/push"] = 2, ["buquet.poller.wakeups/push"] = 4 }, new HashSet<string> { WakeCounts.Pickups });

        var sum = WakeCounts.Sum([a, b]);

        Assert.Equal(7, sum[WakeCounts.Wakeups, "push"]);
        Assert.Equal(1, sum[WakeCounts.Wakeups, "hint"]);
        Assert.Equal(2, sum[WakeCounts.Pickups, "push"]);
        Assert.Equal(0, sum[WakeCounts.Pickups, "poll"]);
    }

    [Fact]
    public void Indexer_UnpublishedInstrument_IsNullNotZero()
    {
        var counts = Of(("buquet.poller.wakeups/push", 3));

        Assert.Null(counts[WakeCounts.Pickups, "push"]);
        Assert.Equal(0, counts[WakeCounts.Wakeups, "hint"]);
    }

    [Fact]
    public void Minus_LaterSnapshot_GivesThePhaseCounts()
    {
        var before = Of(("buquet.poller.wakeups/push", 3));
        var after = Of(("buquet.poller.wakeups/push", 10), ("buquet.poller.wakeups/hint", 2));

        var phase = after.Minus(before);

        Assert.Equal(7, phase[WakeCounts.Wakeups, "push"]);
        Assert.Equal(2, phase[WakeCounts.Wakeups, "hint"]);
    }

    [Fact]
    public void ToJson_UnpublishedInstrument_IsNullAndPublishedIsByPath()
    {
        var json = Of(("buquet.poller.wakeups/push", 3)).ToJson();

        Assert.Null(json[WakeCounts.Pickups]);
        Assert.Equal(3, (long)json[WakeCounts.Wakeups]!["push"]!);
    }

    [Fact]
    public void ReadWakes_FileWrittenWithWakes_RoundTrips()
    {
        var path = Path.Combine(_dir.Path, "w.counts.json");
        CountsFile.Write(path, CountsFile.Empty, final: true, Of(("buquet.poller.wakeups/push", 5)));

        var read = CountsFile.ReadWakes(path);

        Assert.Equal(5, read[WakeCounts.Wakeups, "push"]);
        Assert.Null(read[WakeCounts.Pickups, "push"]);
        Assert.NotNull(CountsFile.Read(path));
    }

    [Fact]
    public void ReadWakes_MissingFile_IsEmpty()
    {
        var read = CountsFile.ReadWakes(Path.Combine(_dir.Path, "absent.json"));

        Assert.Empty(read.Counts);
        Assert.Empty(read.Published);
    }

    [Fact]
    public void WakeListener_PollerWokenUp_CountedByPathAndPublished()
    {
        using var listener = new WakeListener();
        var before = listener.Snapshot();

        BuquetTelemetry.PollerWokenUp("push");
        var phase = listener.Snapshot().Minus(before);

        Assert.Contains(WakeCounts.Wakeups, phase.Published);
        Assert.True(phase[WakeCounts.Wakeups, "push"] >= 1, "the push wake-up recorded above was counted");
    }

    [Fact]
    public void ExecutionTimesOf_TwoAttempts_EarliestStartAndLatestEndWithItsOutcome()
    {
        var task = Guid.NewGuid();
        var t0 = new DateTimeOffset(2026, 12, 6, 18, 0, 0, TimeSpan.Zero);
        ExecutionLogEntry Entry(ExecutionEvent ev, double seconds, string? outcome = null) =>
            new(ev, Guid.NewGuid(), task, 1, "w", 1, t0.AddSeconds(seconds + 100), "buquet.sleep", outcome, t0.AddSeconds(seconds));

        var times = ExecutionTimes.Of([Entry(ExecutionEvent.Start, 5), Entry(ExecutionEvent.End, 6, "retry"), Entry(ExecutionEvent.Start, 1), Entry(ExecutionEvent.End, 9, "cancelled")])[task];

        Assert.Equal(t0.AddSeconds(1), times.Start);
        Assert.Equal(t0.AddSeconds(9), times.End);
        Assert.Equal("cancelled", times.Outcome);
    }
}
