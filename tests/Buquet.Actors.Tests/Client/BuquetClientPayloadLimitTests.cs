using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;

namespace Buquet.Actors.Tests.Client;

public sealed class BuquetClientPayloadLimitTests
{
    [Fact]
    public async Task SubmitAsync_InputOverMaxPayloadSize_ThrowsNamingSizesAndWritesNothing()
    {
        var f = new ClientFixture(new BuquetClientOptions { MaxPayloadSizeBytes = 16, OffloadLargePayloads = true, PayloadOffloadThresholdBytes = 8 });

        var error = await Assert.ThrowsAsync<PayloadTooLargeException>(() =>
            f.Client.SubmitAsync("t", new { text = "seventeen bytes?" }, new SubmitOptions { IdempotencyKey = "k" }));

        Assert.Equal(27, error.Size); // {"text":"seventeen bytes?"}
        Assert.Equal(16, error.Limit);
        Assert.Equal("The task input is 27 bytes, above buquet.queue.max-payload-size = 16 (16 bytes).", error.Message);
        Assert.Equal(0, f.Store.Snapshot()[StoreOperation.Put, StoreOutcome.Ok]);
        Assert.Empty((await f.Store.ListAsync(new ListRequest())).Objects);
    }

    [Fact]
    public async Task SubmitAsync_InputAtMaxPayloadSize_IsAccepted()
    {
        var f = new ClientFixture(new BuquetClientOptions { MaxPayloadSizeBytes = 10 });

        var task = await f.Client.SubmitAsync("t", 1234567890); // exactly 10 bytes

        Assert.Equal(1234567890, task.Input!.Value.GetInt32());
    }

    [Fact]
    public void Validate_MaxPayloadSizeBelowOne_Throws()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new BuquetClientOptions { MaxPayloadSizeBytes = 0 }.Validate());

        Assert.Equal("MaxPayloadSizeBytes", error.ParamName);
    }
}
