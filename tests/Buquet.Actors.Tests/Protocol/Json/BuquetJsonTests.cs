using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Worker.BuiltIns;
using Buquet.Actors.Worker.Handlers;

namespace Buquet.Actors.Tests.Protocol.Json;

/// <summary>
/// An application's own source-generated context stands in for a Native AOT worker: its resolver knows only the types
/// it lists, as there is no reflection fallback there.
/// </summary>
public sealed partial class BuquetJsonTests
{
    public sealed record Order(string Sku, int Quantity);

    public sealed record Unlisted(string Name);

    [JsonSerializable(typeof(Order))]
    internal sealed partial class OrdersJsonContext : JsonSerializerContext;

    private static JsonSerializerOptions SourceGenOnly() => new() { TypeInfoResolver = OrdersJsonContext.Default };

    [Fact]
    public void Read_SourceGenOnlyOptions_BuiltInSleepInputStillResolves()
    {
        var input = JsonDocument.Parse("""{"ms": 250, "ignore_cancellation": true}""").RootElement;

        var sleep = HandlerInput.Read<BuiltInHandlers.SleepInput>(BuiltInHandlers.Sleep, input, SourceGenOnly());

        Assert.Equal(new BuiltInHandlers.SleepInput(250, IgnoreCancellation: true), sleep);
    }

    [Fact]
    public void Read_SourceGenOnlyOptions_ApplicationTypeResolvesThroughItsContext()
    {
        var input = JsonDocument.Parse("""{"Sku": "A-1", "Quantity": 3}""").RootElement;

        Assert.Equal(new Order("A-1", 3), HandlerInput.Read<Order>("orders.place", input, SourceGenOnly()));
    }

    [Fact]
    public void Read_TypeNoResolverKnows_ThrowsNotSupportedNotInvalidInput()
    {
        // Missing metadata is a deployment error: the task must not be failed for good as if its input were bad.
        var input = JsonDocument.Parse("""{"Name": "x"}""").RootElement;

        var ex = Assert.Throws<NotSupportedException>(() => HandlerInput.Read<Unlisted>("t", input, SourceGenOnly()));

        Assert.Contains(nameof(Unlisted), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_SourceGenOnlyOptions_BuiltInOutputSerializesWithItsWireNames()
    {
        var output = HandlerInput.Write(new BuiltInHandlers.SleepOutput(40), SourceGenOnly());

        Assert.Equal("""{"slept_ms":40}""", output!.Value.GetRawText());
    }

    [Fact]
    public void TypeInfo_OptionsWithoutResolver_UseReflectionLikeJsonSerializerDefault()
    {
        var info = BuquetJson.TypeInfo<Unlisted>(new JsonSerializerOptions());

        Assert.Equal("""{"Name":"x"}""", JsonSerializer.Serialize(new Unlisted("x"), info));
    }

    [Fact]
    public void TypeInfo_ApplicationResolverFirst_ItsContractWinsOverTheBuiltIn()
    {
        var renamed = new DefaultJsonTypeInfoResolver();
        renamed.Modifiers.Add(t =>
        {
            if (t.Type == typeof(BuiltInHandlers.SleepOutput))
            {
                t.Properties[0].Name = "renamed";
            }
        });

        var info = BuquetJson.TypeInfo<BuiltInHandlers.SleepOutput>(new JsonSerializerOptions { TypeInfoResolver = renamed });

        Assert.Equal("""{"renamed":1}""", JsonSerializer.Serialize(new BuiltInHandlers.SleepOutput(1), info));
    }

    [Fact]
    public void For_SameOptionsTwice_OneCachedCopyAndTheCallersOptionsUntouched()
    {
        var options = SourceGenOnly();

        var first = BuquetJson.For(options);

        Assert.Same(first, BuquetJson.For(options));
        Assert.Same(OrdersJsonContext.Default, options.TypeInfoResolver);
        Assert.False(options.IsReadOnly);
    }
}
