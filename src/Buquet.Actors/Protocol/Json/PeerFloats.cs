using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Buquet.Actors.Protocol.Json;

/// <summary>
/// Writes .NET <see cref="double"/>, <see cref="float"/> and <see cref="decimal"/> values as JSON floats the way a
/// serde_json peer (Rust, and Python through its Rust core) writes an f64: <c>2.0</c>, not System.Text.Json's
/// <c>2</c>; shortest round-trip digits; <c>1e16</c>, <c>1e-7</c>; NaN and infinities refused. Integer types are left
/// to System.Text.Json and stay integers.
/// </summary>
internal static class PeerFloats
{
    private static readonly ConditionalWeakTable<JsonSerializerOptions, JsonSerializerOptions> Cache = new();

    /// <summary>
    /// A copy of <paramref name="options"/> (default: <see cref="BuquetJson.Default"/>) with the float
    /// converters in front; cached per options instance. Options that write numbers as strings are returned as they are.
    /// </summary>
    public static JsonSerializerOptions With(JsonSerializerOptions? options)
    {
        options ??= BuquetJson.Default;
        if ((options.NumberHandling & JsonNumberHandling.WriteAsString) != 0)
        {
            return options;
        }

        return Cache.GetValue(options, static o =>
        {
            var copy = new JsonSerializerOptions(o);
            copy.Converters.Insert(0, new DoubleConverter());
            copy.Converters.Insert(0, new SingleConverter());
            copy.Converters.Insert(0, new DecimalConverter());
            return copy;
        });
    }

    /// <summary>serde_json's text of a finite double; a clear error naming the value otherwise.</summary>
    public static string Text(double value) => double.IsFinite(value)
        ? JsonOut.FormatFloat(value)
        : throw new ArgumentException($"The input holds the number {value.ToString(CultureInfo.InvariantCulture)}, which JSON cannot represent (buquet peers refuse NaN and infinities).", nameof(value));

    /// <summary>A float's shortest text read back as a double (what a peer parsing that text holds), then formatted.</summary>
    public static string Text(float value) => float.IsFinite(value)
        ? Text(double.Parse(value.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture))
        : Text((double)value);

    /// <summary>A decimal read as a peer reads its text: the nearest double, written as a float (<c>2m</c> → <c>2.0</c>).</summary>
    public static string Text(decimal value) =>
        Text(double.Parse(value.ToString(CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture));

    private sealed class DoubleConverter : JsonConverter<double>
    {
        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDouble();

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options) => writer.WriteRawValue(Text(value), skipInputValidation: true);
    }

    private sealed class SingleConverter : JsonConverter<float>
    {
        public override float Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetSingle();

        public override void Write(Utf8JsonWriter writer, float value, JsonSerializerOptions options) => writer.WriteRawValue(Text(value), skipInputValidation: true);
    }

    private sealed class DecimalConverter : JsonConverter<decimal>
    {
        public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDecimal();

        public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) => writer.WriteRawValue(Text(value), skipInputValidation: true);
    }
}
