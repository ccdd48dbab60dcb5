using System.Text;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Scheduling;

/// <summary>An in-memory bucket, a fake clock at 2026-01-28T12:00:00Z and a client whose store clock re-syncs on every read.</summary>
internal sealed class SchedulingFixture
{
    public SchedulingFixture()
    {
        Memory = new InMemoryObjectStore(Time);
        Flaky = new FlakyObjectStore(Memory);
        Store = new RequestCountingObjectStore(Flaky);
        Clock = new StoreClock(Store, Time, TimeSpan.Zero);
        Client = new BuquetClient(Store, new BuquetClientOptions(), Clock, Time, null);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 28, 12, 0, 0, TimeSpan.Zero));

    public InMemoryObjectStore Memory { get; }

    public FlakyObjectStore Flaky { get; }

    public RequestCountingObjectStore Store { get; }

    public StoreClock Clock { get; }

    public BuquetClient Client { get; }

    public DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>A further client (another process) sharing the bucket and the fake clock.</summary>
    public BuquetClient NewClient() => new(Store, new BuquetClientOptions(), new StoreClock(Store, Time, TimeSpan.Zero), Time, null);

    public void SetTime(DateTimeOffset at) => Time.SetUtcNow(at);

    public async Task<string?> ReadTextAsync(string key)
    {
        var obj = await Memory.GetAsync(key);
        return obj is null ? null : Encoding.UTF8.GetString(obj.Body.Span);
    }

    public async Task<IReadOnlyList<TaskRecord>> TasksAsync(string? taskType = null)
    {
        var page = await Client.ListAsync(new TaskQuery { TaskType = taskType, PageSize = 1000 });
        return page.Tasks;
    }
}
