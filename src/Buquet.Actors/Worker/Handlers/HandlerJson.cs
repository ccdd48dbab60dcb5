using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Buquet.Actors.Protocol.Json;
using Buquet.Actors.Worker.BuiltIns;

namespace Buquet.Actors.Worker.Handlers;

/// <summary>
/// Metadata for handler inputs and outputs: <see cref="BuquetJson.For"/>'s resolver chain (the caller's resolver or
/// reflection, then the JSON DOM types) followed by the built-in handlers' messages (<see cref="BuiltInJsonContext"/>).
/// The built-ins live in the worker, so their registration does too (the protocol layer knows no handler).
/// </summary>
internal static class HandlerJson
{
    private static readonly ConditionalWeakTable<JsonSerializerOptions, JsonSerializerOptions> Resolved = new();

    /// <exception cref="NotSupportedException">No resolver knows the type.</exception>
    public static JsonTypeInfo TypeInfo(JsonSerializerOptions options, Type type) => For(options).GetTypeInfo(type);

    /// <exception cref="NotSupportedException">No resolver knows the type.</exception>
    public static JsonTypeInfo<T> TypeInfo<T>(JsonSerializerOptions options) => (JsonTypeInfo<T>)TypeInfo(options, typeof(T));

    private static JsonSerializerOptions For(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Resolved.GetValue(options, static o =>
        {
            var library = BuquetJson.For(o);
            var copy = new JsonSerializerOptions(library)
            {
                TypeInfoResolver = JsonTypeInfoResolver.Combine(library.TypeInfoResolver, BuiltInJsonContext.Default),
            };
            copy.MakeReadOnly();
            return copy;
        });
    }
}
