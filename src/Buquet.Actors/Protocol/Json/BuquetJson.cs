using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Buquet.Actors.Protocol.Json;

/// <summary>
/// Typed JSON for task inputs and outputs (handler messages, client submits) that works with and without reflection.
/// </summary>
/// <remarks>
/// Invariant: typed (de)serialization of payloads goes through <see cref="TypeInfo"/>, never through the
/// reflection-only <c>JsonSerializer</c> overloads (from ADR 0012; the Native AOT build itself was dropped by ADR 0013).
/// Whatever resolver the caller's options have keeps deciding; when they have none, reflection is used where the
/// application allows it, and the JSON DOM types always resolve through <see cref="BuquetJsonContext"/> (the worker adds
/// the built-in handlers' messages on top: <c>Worker/Handlers/HandlerJson</c>).
/// An application that turns reflection-based JSON off adds a <see cref="JsonSerializerContext"/> for its own message
/// types to <c>TypeInfoResolverChain</c>.
/// </remarks>
internal static class BuquetJson
{
    private static readonly ConditionalWeakTable<JsonSerializerOptions, JsonSerializerOptions> Resolved = new();

    /// <summary>Options with the defaults of <see cref="JsonSerializerOptions.Default"/> and a resolver as described above.</summary>
    public static JsonSerializerOptions Default { get; } = For(new JsonSerializerOptions());

    /// <summary>Metadata of <paramref name="type"/> under <paramref name="options"/> (see the remarks).</summary>
    /// <exception cref="NotSupportedException">No resolver knows the type (Native AOT without a context for it).</exception>
    public static JsonTypeInfo TypeInfo(JsonSerializerOptions options, Type type) => For(options).GetTypeInfo(type);

    /// <summary>Metadata of <typeparamref name="T"/> under <paramref name="options"/>.</summary>
    public static JsonTypeInfo<T> TypeInfo<T>(JsonSerializerOptions options) => (JsonTypeInfo<T>)TypeInfo(options, typeof(T));

    /// <summary>
    /// A read-only copy of <paramref name="options"/>, made once per instance and cached, whose resolver chain is the
    /// caller's (or reflection's) followed by <see cref="BuquetJsonContext"/>; the caller's instance is never locked.
    /// </summary>
    public static JsonSerializerOptions For(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Resolved.GetValue(options, static o =>
        {
            var copy = new JsonSerializerOptions(o);
            var own = o.TypeInfoResolver ?? Reflection();
            copy.TypeInfoResolver = own is null ? BuquetJsonContext.Default
                : o.TypeInfoResolverChain.Contains(BuquetJsonContext.Default) ? own
                : JsonTypeInfoResolver.Combine(own, BuquetJsonContext.Default);
            copy.MakeReadOnly();
            return copy;
        });
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Only where the application enables reflection-based serialization (JsonSerializer.IsReflectionEnabledByDefault).")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Only where the application enables reflection-based serialization (JsonSerializer.IsReflectionEnabledByDefault).")]
    private static IJsonTypeInfoResolver? Reflection() =>
        JsonSerializer.IsReflectionEnabledByDefault ? new DefaultJsonTypeInfoResolver() : null;
}

/// <summary>Source-generated metadata of the JSON DOM types the library itself (de)serializes as typed values.</summary>
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(JsonArray))]
internal sealed partial class BuquetJsonContext : JsonSerializerContext;
