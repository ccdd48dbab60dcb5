using Buquet.Host.Bench;

namespace Buquet.Host.Tests.Bench;

public sealed class CostModelTests
{
    [Fact]
    public void DollarsPerMillionTasks_BuquetHappyPath_Is26Dollars20()
    {
        // 5 PUT x $0.005/1k + 3 GET x $0.0004/1k per task, DELETE free: $25 + $1.20 per million.
        var dollars = CostModel.DollarsPerMillionTasks(BuquetReference.HappyPathPerTask, S3Prices.AwsStandard);

        Assert.Equal(26.20m, dollars);
    }

    [Fact]
    public void Cost_ListAndHead_BilledAsPutClassAndGetClass()
    {
        var prices = S3Prices.AwsStandard;

        Assert.Equal(0.005m, prices.Cost(new RequestMix(0, 0, 1000, 0, 0)));
        Assert.Equal(0.0004m, prices.Cost(new RequestMix(0, 0, 0, 0, 1000)));
        Assert.Equal(0m, prices.Cost(new RequestMix(0, 0, 0, 1000, 0)));
    }

    [Fact]
    public void MonthlyIdleDollars_OneListPerWorkerMinute_ScalesWithFleetAndMonth()
    {
        var perMinute = new RequestMix(0, 0, 1, 0, 0);

        // 43,200 minutes x 10 workers x $0.005/1k.
        Assert.Equal(2.16m, CostModel.MonthlyIdleDollars(perMinute, 10, S3Prices.AwsStandard));
    }

    [Fact]
    public void DefaultIdlePerWorkerMinute_HybridEmptyBucket_Is48ListsPerPollAt12Polls()
    {
        var mix = BuquetReference.DefaultIdlePerWorkerMinute();

        Assert.Equal(576, mix.List);
        Assert.Equal(0, mix.Get);
        Assert.Equal(18, mix.Put);
        Assert.Equal(12, mix.Head);
        Assert.Equal(9600, BuquetReference.DefaultIdlePerWorkerMinute(getsPerShardPoll: 50).Get);
        Assert.Equal(384, BuquetReference.DefaultIdlePerWorkerMinute(indexOnly: true).List);
    }

    [Fact]
    public void ImpliedTasksPerSecond_MixOfRates_SumsTimePerOperation()
    {
        var ceiling = new StoreCeiling(PutPerSecond: 100, GetPerSecond: 1000, ListPerSecond: 50, DeletePerSecond: 200);
        var perTask = new RequestMix(Get: 2, Put: 4, List: 1, Delete: 2, Head: 0);

        // 4/100 + 2/1000 + 1/50 + 2/200 = 0.072 s per task.
        var implied = CostModel.ImpliedTasksPerSecond(perTask, ceiling);

        Assert.NotNull(implied);
        Assert.Equal(1 / 0.072, implied!.Value, 6);
    }

    [Fact]
    public void ImpliedTasksPerSecond_NeededRateMissing_IsNull()
    {
        var ceiling = new StoreCeiling(PutPerSecond: 100, GetPerSecond: null, ListPerSecond: 50, DeletePerSecond: 200);

        Assert.Null(CostModel.ImpliedTasksPerSecond(new RequestMix(1, 1, 0, 0, 0), ceiling));
    }

    [Fact]
    public void Of_HundredSamples_NearestRankPercentiles()
    {
        var summary = LatencySummary.Of(Enumerable.Range(1, 100).Select(i => (double)i).Reverse());

        Assert.Equal(50, summary.P50);
        Assert.Equal(95, summary.P95);
        Assert.Equal(99, summary.P99);
        Assert.Equal(100, summary.Max);
        Assert.Equal(100, summary.Count);
    }
}
