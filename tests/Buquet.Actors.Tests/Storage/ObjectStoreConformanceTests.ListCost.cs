using System.Globalization;
using Buquet.Actors.Storage;

namespace Buquet.Actors.Tests.Storage;

public abstract partial class ObjectStoreConformanceTests
{
    /// <summary>The LIST work counter of the store under test (override when the store is wrapped in a decorator).</summary>
    protected virtual IListWorkMeter? ListWorkMeter => Store as IListWorkMeter;

    [Fact]
    public async Task ListAsync_ManyKeysDeletedSinceLastList_ExaminesNoMoreEntries()
    {
        var meter = ListWorkMeter;
        Assert.True(meter is not null, $"{Store.GetType().Name} does not count LIST work (IListWorkMeter): its LIST cost cannot be checked");
        await PutAllAsync(["g/m-live-1", "g/m-live-2", "h/other-live"]);
        var baseline = await ListCostAsync(meter, "g/", ["g/m-live-1", "g/m-live-2"]);

        // 300 keys that sort before, between and after the live ones, in the listed prefix and beside it; deleted one by
        // one, in batches, and conditionally. Versioned stores keep their history; none of it may cost a LIST anything.
        var dead = Enumerable.Range(0, 300).Select(i => (i % 4) switch
        {
            0 => "g/a-",
            1 => "g/m-live-15-",
            2 => "g/z-",
            _ => "h/",
        } + i.ToString("D4", CultureInfo.InvariantCulture)).ToList();
        await PutAllAsync(dead);
        await Store.DeleteManyAsync(dead[..100]);
        foreach (var key in dead[100..200])
        {
            Assert.Equal(DeleteStatus.Deleted, await Store.DeleteAsync(key));
        }

        foreach (var key in dead[200..])
        {
            var head = await Store.HeadAsync(key);
            Assert.Equal(DeleteStatus.Deleted, await Store.DeleteAsync(key, head!.ETag));
        }

        var after = await ListCostAsync(meter, "g/", ["g/m-live-1", "g/m-live-2"]);
        Assert.True(after <= baseline, $"a LIST of 2 live keys examined {baseline} entries before 300 keys were written and deleted, {after} after");
    }

    private async Task<long> ListCostAsync(IListWorkMeter meter, string prefix, string[] expected)
    {
        var before = meter.ListEntriesExamined;
        Assert.Equal(expected, await ListAllAsync(prefix, 1000));
        return meter.ListEntriesExamined - before;
    }
}
