using Buquet.Actors.Client;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Client;

internal sealed class ClientFixture
{
    public ClientFixture(BuquetClientOptions? options = null)
    {
        Store = new RequestCountingObjectStore(new InMemoryObjectStore(Time));
        Client = new BuquetClient(Store, options ?? new BuquetClientOptions(), Time);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 28, 12, 0, 0, TimeSpan.Zero));

    public RequestCountingObjectStore Store { get; }

    public BuquetClient Client { get; }

    public DateTimeOffset Now => Time.GetUtcNow();
}
