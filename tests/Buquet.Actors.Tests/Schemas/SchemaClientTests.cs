using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Schemas;
using Buquet.Actors.Storage;
using Buquet.Actors.Tests.Client;

namespace Buquet.Actors.Tests.Schemas;

public sealed class SchemaClientTests
{
    private const string Order = """{"input":{"type":"object","properties":{"qty":{"type":"integer","minimum":1}},"required":["qty"]}}""";

    private readonly ClientFixture _f = new();

    private SchemaClient Schemas => _f.Client.Schemas;

    private Task SetAsync(string type, string json) => Schemas.SetAsync(type, TaskSchema.Parse(json));

    private async Task<int> TaskCountAsync() => (await _f.Store.Inner.ListAsync(new ListRequest("tasks/"))).Objects.Count;

    [Fact]
    public async Task SetAsync_Valid_StoresCompactPeerObjectAtSchemaKey()
    {
        await SetAsync("order", "{ \"input\": { \"type\": \"object\", \"properties\": { \"qty\": { \"type\": \"integer\", \"minimum\": 1 } }, \"required\": [\"qty\"] } }");

        var stored = await _f.Store.GetAsync("schemas/order.json");
        Assert.Equal(Order, System.Text.Encoding.UTF8.GetString(stored!.Body.Span));
        Assert.Equal(Order, (await Schemas.GetAsync("order"))!.ToString());
    }

    [Fact]
    public async Task SetAsync_InvalidSchema_RefusedAndNothingWritten()
    {
        var e = await Assert.ThrowsAsync<InvalidTaskSchemaException>(() => SetAsync("order", """{"input":{"type":"object","properties":{"qty":{"type":"int"}}}}"""));

        Assert.Contains("'input' part of the schema given for 'order'", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, _f.Store.Snapshot()[StoreOperation.Put]);
    }

    [Fact]
    public async Task GetAsync_Missing_ReturnsNull() => Assert.Null(await Schemas.GetAsync("none"));

    [Fact]
    public async Task GetAsync_MalformedObject_ThrowsNamingKey()
    {
        await _f.Store.PutAsync("schemas/order.json", "{\"input\":7}"u8.ToArray(), PutCondition.None);

        var e = await Assert.ThrowsAsync<MalformedObjectException>(() => Schemas.GetAsync("order"));

        Assert.Equal("schemas/order.json", e.Key);
    }

    [Fact]
    public async Task ValidateInputAsync_StoredInvalidJsonSchema_ThrowsMalformedNamingKey()
    {
        await _f.Store.PutAsync("schemas/order.json", """{"input":{"type":"strnig"}}"""u8.ToArray(), PutCondition.None);

        var e = await Assert.ThrowsAsync<MalformedObjectException>(() => Schemas.ValidateInputAsync("order", new { qty = 1 }));

        Assert.Equal("schemas/order.json", e.Key);
        Assert.Contains("not a valid JSON Schema", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAndDelete_TwoTypes_ListsInKeyOrderAndDeletesOne()
    {
        await SetAsync("b.type", Order);
        await SetAsync("a.type", Order);

        Assert.Equal(["a.type", "b.type"], await Schemas.ListAsync());
        Assert.True(await Schemas.DeleteAsync("a.type"));
        Assert.False(await Schemas.DeleteAsync("a.type"));
        Assert.Equal(["b.type"], await Schemas.ListAsync());
    }

    [Fact]
    public async Task ValidateInputAsync_NoSchema_ThrowsNamingTypeAndKey()
    {
        var e = await Assert.ThrowsAsync<SchemaNotFoundException>(() => Schemas.ValidateInputAsync("ghost", new { }));

        Assert.Contains("'ghost' (schemas/ghost.json)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitAsync_ValidateInputWithBadInput_ThrowsNamingPathAndWritesNothing()
    {
        await SetAsync("order", Order);
        _f.Store.Reset();

        var e = await Assert.ThrowsAsync<SchemaValidationException>(() => _f.Client.SubmitAsync("order", new { qty = 0 }, new SubmitOptions { ValidateInput = true }));

        Assert.Contains("/qty: minimum: ", e.Message, StringComparison.Ordinal);
        Assert.Equal(("/qty", "minimum"), (e.Result!.Violations[0].Path, e.Result.Violations[0].Keyword));
        Assert.Equal(0, _f.Store.Snapshot()[StoreOperation.Put]);
        Assert.Equal(0, await TaskCountAsync());
    }

    [Fact]
    public async Task SubmitAsync_ValidateInputWithGoodInput_SubmitsWithOneSchemaGet()
    {
        await SetAsync("order", Order);
        _f.Store.Reset();

        var task = await _f.Client.SubmitAsync("order", new { qty = 2 }, new SubmitOptions { ValidateInput = true });

        Assert.Equal(BuquetTaskStatus.Pending, task.Status);
        Assert.Equal(1, _f.Store.Snapshot()[StoreOperation.Get]);
    }

    [Fact]
    public async Task SubmitAsync_ValidateInputWithoutSchema_RefusedAndNothingWritten()
    {
        await Assert.ThrowsAsync<SchemaNotFoundException>(() => _f.Client.SubmitAsync("ghost", new { }, new SubmitOptions { ValidateInput = true }));

        Assert.Equal(0, await TaskCountAsync());
    }

    [Fact]
    public async Task SubmitAsync_WithoutValidateInput_ReadsNoSchema()
    {
        await SetAsync("order", Order);
        _f.Store.Reset();

        await _f.Client.SubmitAsync("order", new { qty = 0 });

        Assert.Equal(0, _f.Store.Snapshot()[StoreOperation.Get]);
    }
}
