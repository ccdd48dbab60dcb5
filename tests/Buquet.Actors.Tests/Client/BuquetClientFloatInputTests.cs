using System.Text.Json;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Protocol.Json;

namespace Buquet.Actors.Tests.Client;

/// <summary>
/// Idempotency hashes of float-typed inputs agree with a peer's: a C# <see cref="double"/> <c>2.0</c> hashes as
/// <c>2.0</c> (serde_json's f64 text), as the same input submitted by a Rust or Python producer does.
/// </summary>
public sealed class BuquetClientFloatInputTests
{
    [Fact]
    public async Task SubmitAsync_WholeDoubleThenPeerFloatText_SameTaskNoConflict()
    {
        var f = new ClientFixture();
        var options = new SubmitOptions { IdempotencyKey = "invoice-2" };
        var first = await f.Client.SubmitAsync("t", new { amount = 2.0, qty = 3 }, options);

        // What a Python producer's queue.submit("t", {"amount": 2.0, "qty": 3}, idempotency_key=...) stores and hashes.
        var peer = JsonDocument.Parse("{\"qty\":3,\"amount\":2.0}").RootElement;
        var again = await f.Client.SubmitAsync("t", peer, options);

        Assert.Equal(first.Id, again.Id);
        var key = TaskKeys.Idempotency("t", Hashes.Hex(Hashes.IdempotencyKeyHash("t", "invoice-2")));
        var record = ModelJson.ParseIdempotency((await f.Store.GetAsync(key))!.Body, key);
        Assert.Equal("sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("{\"amount\":2.0,\"qty\":3}"u8)), record.InputHash);
    }

    [Fact]
    public async Task SubmitAsync_WholeDoubleThenIntegerText_Conflict()
    {
        var f = new ClientFixture();
        var options = new SubmitOptions { IdempotencyKey = "invoice-3" };
        await f.Client.SubmitAsync("t", new { amount = 2.0 }, options);
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => f.Client.SubmitAsync("t", JsonDocument.Parse("{\"amount\":2}").RootElement, options));
    }
}
