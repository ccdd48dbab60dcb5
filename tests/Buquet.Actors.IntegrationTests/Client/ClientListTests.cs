using Buquet.Actors.Client;
using Buquet.Actors.IntegrationTests.Storage;
using Buquet.Actors.Protocol;

namespace Buquet.Actors.IntegrationTests.Client;

/// <summary>Listing by shard, status and type with paging on a real server.</summary>
public abstract class ClientListTests : S3Bucket
{
    [Fact]
    public async Task ListAsync_SmallPages_ReturnsEveryTaskExactlyOnceAcrossShards()
    {
        var client = NewClient();
        var ids = (await client.SubmitManyAsync(Enumerable.Range(0, 12).Select(i => new TaskSubmission(i % 2 == 0 ? "integ.a" : "integ.b", i))))
            .Select(r => r.Task!.Id).ToHashSet();

        var seen = new List<Guid>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await client.ListAsync(new TaskQuery { PageSize = 5, ContinuationToken = token });
            Assert.InRange(page.Tasks.Count, 0, 5);
            Assert.Empty(page.Malformed);
            seen.AddRange(page.Tasks.Select(t => t.Id));
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(ids.Order(), seen.Order());
        Assert.True(pages >= 3, $"12 tasks in pages of 5 took {pages} pages");
    }

    [Fact]
    public async Task ListAsync_ByShardStatusAndType_FiltersOnTheServerData()
    {
        var client = NewClient();
        var tasks = new List<TaskRecord>();
        for (var i = 0; i < 8; i++)
        {
            tasks.Add(await SubmitAvailableAsync(client, i % 2 == 0 ? "integ.a" : "integ.b", i));
        }

        var running = tasks.Take(3).ToList();
        foreach (var t in running)
        {
            Assert.True((await client.Repository.ClaimAsync(t.Id, "w-1")).Claimed);
        }

        var byStatus = await client.ListAsync(new TaskQuery { Status = BuquetTaskStatus.Running });
        var byType = await client.ListAsync(new TaskQuery { TaskType = "integ.b" });
        var pendingA = await client.ListAsync(new TaskQuery { TaskType = "integ.a", Status = BuquetTaskStatus.Pending });
        var shard = tasks[5].Shard;
        var byShard = await client.ListAsync(new TaskQuery { Shard = shard });

        Assert.Equal(running.Select(t => t.Id).Order(), byStatus.Tasks.Select(t => t.Id).Order());
        Assert.Equal(tasks.Where(t => t.TaskType == "integ.b").Select(t => t.Id).Order(), byType.Tasks.Select(t => t.Id).Order());
        Assert.Equal(tasks.Skip(3).Where(t => t.TaskType == "integ.a").Select(t => t.Id).Order(), pendingA.Tasks.Select(t => t.Id).Order());
        Assert.Equal(tasks.Where(t => t.Shard == shard).Select(t => t.Id).Order(), byShard.Tasks.Select(t => t.Id).Order());
        Assert.Null(byShard.ContinuationToken);
        await Assert.ThrowsAsync<ArgumentException>(() => client.ListAsync(new TaskQuery { Shard = "zz" }));
    }

    [Fact]
    public async Task ListAsync_MalformedObject_IsReportedNotThrown()
    {
        var client = NewClient();
        var good = await client.SubmitAsync("integ.a", 1);
        var badKey = TaskKeys.Task(good.Shard, Guid.NewGuid());
        await Store.PutAsync(badKey, "{not json"u8.ToArray(), Buquet.Actors.Storage.PutCondition.None);

        var page = await client.ListAsync(new TaskQuery { Shard = good.Shard });

        Assert.Equal([good.Id], page.Tasks.Select(t => t.Id));
        Assert.Equal(badKey, Assert.Single(page.Malformed).Key);
    }
}

/// <summary>On moto (versioned bucket).</summary>
[Collection(SerialS3Collection.Name)]
public sealed class MotoClientListTests : ClientListTests
{
    internal override S3TestServer Server => S3TestServer.Moto;
}

/// <summary>On Ceph RGW (unversioned bucket).</summary>
[Collection(SerialS3Collection.Name)]
public sealed class RgwClientListTests : ClientListTests
{
    internal override S3TestServer Server => S3TestServer.Rgw;
}
