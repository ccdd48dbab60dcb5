using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.ChaosTests.Proxy;

public sealed class FaultDeciderTests
{
    private static readonly RequestShape Get = new("GET", "/b/k", false);
    private static readonly RequestShape PlainPut = new("PUT", "/b/k", false);
    private static readonly RequestShape CasPut = new("PUT", "/b/k", true);

    private static readonly FaultPlan Stormy = new()
    {
        SlowDownBurstProbability = 0.05,
        ConflictProbability = 0.1,
        InternalErrorProbability = 0.05,
        LatencyProbability = 0.2,
        MinLatency = TimeSpan.FromMilliseconds(1),
        MaxLatency = TimeSpan.FromMilliseconds(30),
        DropResponseProbability = 0.05,
    };

    [Fact]
    public void Decide_NoPlan_ForwardsEverythingUntouched()
    {
        var decider = new FaultDecider(FaultPlan.None, 7);
        for (var i = 0; i < 1000; i++)
        {
            Assert.True(decider.Decide(i % 2 == 0 ? Get : CasPut).IsForward);
        }

        Assert.Equal(0, decider.TotalInjected);
    }

    [Fact]
    public void Decide_SameSeedSameRequests_SameFaults()
    {
        var time = new FakeTimeProvider();
        var a = new FaultDecider(Stormy, 42, time);
        var b = new FaultDecider(Stormy, 42, time);
        var c = new FaultDecider(Stormy, 43, time);
        var shapes = Enumerable.Range(0, 2000).Select(i => (i % 3) switch { 0 => Get, 1 => PlainPut, _ => CasPut }).ToList();
        var da = shapes.Select(a.Decide).Select(d => (d.Kind, d.Latency)).ToList();
        var db = shapes.Select(b.Decide).Select(d => (d.Kind, d.Latency)).ToList();
        var dc = shapes.Select(c.Decide).Select(d => (d.Kind, d.Latency)).ToList();
        Assert.Equal(da, db);
        Assert.NotEqual(da, dc);
        Assert.Equal(a.Counts(), b.Counts());
    }

    [Fact]
    public void Decide_ConflictPlan_OnlyConditionalPutsGet409()
    {
        var decider = new FaultDecider(new FaultPlan { ConflictProbability = 1 }, 1);
        Assert.Null(decider.Decide(Get).Kind);
        Assert.Null(decider.Decide(PlainPut).Kind);
        Assert.Equal(FaultKind.Conflict, decider.Decide(CasPut).Kind);
        Assert.Equal(1, decider.Counts()[FaultKind.Conflict]);
    }

    [Fact]
    public void Decide_SlowDownBurst_AnswersBurstLengthRequestsInARow()
    {
        var decider = new FaultDecider(new FaultPlan { SlowDownBurstProbability = 1, SlowDownBurstLength = 4 }, 1);
        Assert.All(Enumerable.Range(0, 4), _ => Assert.Equal(FaultKind.SlowDown, decider.Decide(Get).Kind));
        decider.Plan = FaultPlan.None;
        Assert.Null(decider.Decide(Get).Kind);
        Assert.Equal(4, decider.Counts()[FaultKind.SlowDown]);
    }

    [Fact]
    public void Decide_ScheduledFaults_GoToTheFirstMatchingRequestsInOrder()
    {
        var decider = new FaultDecider(FaultPlan.None, 1);
        decider.Enqueue(FaultKind.DropResponse, RequestFilter.ConditionalPut);
        decider.Enqueue(FaultKind.InternalError, RequestFilter.Read);
        Assert.Equal(FaultKind.InternalError, decider.Decide(Get).Kind);
        Assert.Null(decider.Decide(PlainPut).Kind);
        Assert.Equal(FaultKind.DropResponse, decider.Decide(CasPut).Kind);
        Assert.Null(decider.Decide(CasPut).Kind);
        Assert.Equal(0, decider.PendingScheduled);
    }

    [Fact]
    public void Decide_Blackhole_HoldsEveryRequestUntilItsDeadline()
    {
        var time = new FakeTimeProvider();
        var decider = new FaultDecider(FaultPlan.None, 1, time);
        decider.StartBlackhole(TimeSpan.FromSeconds(5));
        var start = time.GetUtcNow();
        var held = decider.Decide(Get);
        Assert.Equal(FaultKind.Blackhole, held.Kind);
        Assert.Equal(start.AddSeconds(5), held.HoldUntil);
        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Equal(FaultKind.Blackhole, decider.Decide(CasPut).Kind);
        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Null(decider.Decide(Get).Kind);
        Assert.Equal(2, decider.Counts()[FaultKind.Blackhole]);
    }

    [Fact]
    public void Decide_LatencyPlan_StaysWithinBounds()
    {
        var decider = new FaultDecider(new FaultPlan { LatencyProbability = 1, MinLatency = TimeSpan.FromMilliseconds(10), MaxLatency = TimeSpan.FromMilliseconds(20) }, 3);
        var latencies = Enumerable.Range(0, 200).Select(_ => decider.Decide(Get).Latency).ToList();
        Assert.All(latencies, l => Assert.InRange(l, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(20)));
        Assert.True(latencies.Distinct().Count() > 100);
        Assert.Equal(200, decider.Counts()[FaultKind.Latency]);
    }

    [Fact]
    public void Decide_DropResponseFilterWrites_NeverDropsReads()
    {
        var decider = new FaultDecider(new FaultPlan { DropResponseProbability = 1 }, 3);
        Assert.Null(decider.Decide(Get).Kind);
        Assert.Equal(FaultKind.DropResponse, decider.Decide(PlainPut).Kind);
    }

    [Theory]
    [InlineData(nameof(FaultPlan.ConflictProbability), 1.5)]
    [InlineData(nameof(FaultPlan.DropResponseProbability), -0.1)]
    [InlineData(nameof(FaultPlan.InternalErrorProbability), double.NaN)]
    public void Constructor_BadProbability_ErrorNamesTheSetting(string name, double value)
    {
        var plan = name switch
        {
            nameof(FaultPlan.ConflictProbability) => new FaultPlan { ConflictProbability = value },
            nameof(FaultPlan.DropResponseProbability) => new FaultPlan { DropResponseProbability = value },
            _ => new FaultPlan { InternalErrorProbability = value },
        };
        var e = Assert.Throws<ArgumentException>(() => new FaultDecider(plan, 1));
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Enqueue_Latency_Refused()
    {
        var decider = new FaultDecider(FaultPlan.None, 1);
        Assert.Throws<ArgumentException>(() => decider.Enqueue(FaultKind.Latency));
    }
}
