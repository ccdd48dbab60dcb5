using Buquet.Actors.Storage;

namespace Buquet.Actors.Tests.Storage;

public sealed class BucketLifecycleTests
{
    [Fact]
    public void Recommended_Default_ShortRulesForIndexesAndClockAndHistoryForTasks()
    {
        var rules = BucketLifecycle.Recommended();

        foreach (var prefix in new[] { "ready/", "leases/", "clock/", "hints/", "workers/", "shard-leases/" })
        {
            Assert.Equal(1, Assert.Single(rules, r => r.Prefix == prefix).NoncurrentDays);
        }

        Assert.Equal(BucketLifecycle.DefaultTaskHistoryDays, Assert.Single(rules, r => r.Prefix == "tasks/").NoncurrentDays);
        Assert.All(rules, r => Assert.True(r.RemoveExpiredDeleteMarkers));
        Assert.All(rules, r => Assert.StartsWith(BucketLifecycle.IdPrefix, r.Id, StringComparison.Ordinal));
        Assert.Equal(rules.Count, rules.Select(r => r.Id).Distinct().Count());
    }

    [Fact]
    public void Missing_AllWantedPresentUnderOtherIds_Empty()
    {
        var wanted = BucketLifecycle.Recommended();
        var present = wanted.Select(r => r with { Id = "ops-" + r.Prefix }).ToList();

        Assert.Empty(BucketLifecycle.Missing(present, wanted));
    }

    [Fact]
    public void Missing_RuleKeepsVersionsLongerOrLeavesMarkers_Reported()
    {
        var wanted = BucketLifecycle.Recommended();
        var present = wanted.Select(r => r.Prefix switch
        {
            "ready/" => r with { NoncurrentDays = 30 },
            "clock/" => r with { RemoveExpiredDeleteMarkers = false },
            _ => r,
        }).Where(r => r.Prefix != "leases/").ToList();

        var missing = BucketLifecycle.Missing(present, wanted).Select(r => r.Prefix).Order(StringComparer.Ordinal);

        Assert.Equal(["clock/", "leases/", "ready/"], missing);
    }

    [Fact]
    public void Recommended_ZeroHistoryDays_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => BucketLifecycle.Recommended(0));
}
