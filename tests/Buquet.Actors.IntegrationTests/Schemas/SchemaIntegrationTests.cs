using Buquet.Actors.Client;
using Buquet.Actors.IntegrationTests.Client;
using Buquet.Actors.IntegrationTests.Storage;
using Buquet.Actors.Protocol;
using Buquet.Actors.Schemas;
using Buquet.Actors.Storage;

namespace Buquet.Actors.IntegrationTests.Schemas;

/// <summary>Task schemas (protocol §2.10) on a real server: the peer wire form, and validation on submit.</summary>
public abstract class SchemaIntegrationTests : S3Bucket
{
    private const string Order = """{"input":{"$defs":{"qty":{"type":"integer","minimum":1}},"type":"object","properties":{"qty":{"$ref":"#/$defs/qty"}},"required":["qty"]},"output":{"type":"boolean"}}""";

    [Fact]
    public async Task SetGetAndValidateOnSubmit_RealServer_PeerBytesAndNothingWrittenWhenInvalid()
    {
        var client = NewClient();

        await client.Schemas.SetAsync("integ.order", TaskSchema.Parse(Order));
        var raw = await Store.GetAsync(TaskKeys.Schema("integ.order"));
        var got = await client.Schemas.GetAsync("integ.order");
        var invalid = await Assert.ThrowsAsync<SchemaValidationException>(() => client.SubmitAsync("integ.order", new { qty = 0 }, new SubmitOptions { ValidateInput = true }));
        var tasksAfterInvalid = (await Store.ListAsync(new ListRequest("tasks/"))).Objects.Count;
        var valid = await client.SubmitAsync("integ.order", new { qty = 3 }, new SubmitOptions { ValidateInput = true });

        Assert.Equal(Order, System.Text.Encoding.UTF8.GetString(raw!.Body.Span));
        Assert.Equal(Order, got!.ToString());
        Assert.Equal(["integ.order"], await client.Schemas.ListAsync());
        Assert.Contains("/qty: minimum: ", invalid.Message, StringComparison.Ordinal);
        Assert.Equal(0, tasksAfterInvalid);
        Assert.Equal(BuquetTaskStatus.Pending, valid.Status);
        Assert.True(await client.Schemas.DeleteAsync("integ.order"));
        Assert.Null(await client.Schemas.GetAsync("integ.order"));
    }
}

/// <summary>On moto (versioned bucket).</summary>
[Collection(SerialS3Collection.Name)]
public sealed class MotoSchemaIntegrationTests : SchemaIntegrationTests
{
    internal override S3TestServer Server => S3TestServer.Moto;
}
