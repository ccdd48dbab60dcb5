using System.Text.Json;
using System.Text.Json.Serialization;
using Buquet.Actors.Protocol.Json;

namespace Buquet.Actors.Tests.Protocol.Json;

/// <summary>
/// Canonical JSON of floats for idempotency hashes (protocol §2.6). Expected texts are fixed literals produced once
/// with python3 (see the generator below); peers hash through serde_json, whose float layout (ryu) equals Python's
/// <c>json.dumps</c> except for exponent form: serde_json writes <c>1e16</c> / <c>1e-7</c> / <c>0.00001</c> where Python writes
/// <c>1e+16</c> / <c>1e-07</c> / <c>1e-05</c>. The digits (shortest round-trip) are Python's <c>repr</c> in every row.
/// </summary>
/// <remarks>
/// Generator (python3): <c>r = repr(x)</c> gives the shortest digits; split mantissa and exponent, strip zeros to
/// <c>digits × 10^k</c>, <c>kk = len(digits) + k</c>; then <c>k ≥ 0 and kk ≤ 16</c> → <c>digits 0…0 .0</c>;
/// <c>0 &lt; kk ≤ 16</c> → <c>ddd.ddd</c>; <c>-5 &lt; kk ≤ 0</c> → <c>0.000ddd</c>; else <c>d.ddd e(kk-1)</c>.
/// Hashes: <c>"sha256:" + hashlib.sha256(text.encode()).hexdigest()</c>.
/// </remarks>
public sealed class CanonicalJsonFloatTests
{
    // (value, serde_json text); the comment gives Python's json.dumps where it differs.
    public static TheoryData<double, string> Doubles => new()
    {
        { 2.0, "2.0" },
        { -7.0, "-7.0" },
        { 100.0, "100.0" },
        { 0.1, "0.1" },
        { 2.5, "2.5" },
        { 4.35, "4.35" },
        { 123456.789, "123456.789" },
        { 0.30000000000000004, "0.30000000000000004" },
        { 0.0, "0.0" },
        { -0.0, "-0.0" },
        { 0.0001, "0.0001" },
        { 0.000123, "0.000123" },
        { 1e-5, "0.00001" }, // Python: 1e-05
        { 1e-7, "1e-7" }, // Python: 1e-07
        { 1.5e-7, "1.5e-7" }, // Python: 1.5e-07
        { 1e15, "1000000000000000.0" },
        { 1234567890123456.7, "1234567890123456.8" },
        { 9007199254740993.0, "9007199254740992.0" },
        { 1e16, "1e16" }, // Python: 1e+16
        { 12345678901234567.0, "1.2345678901234568e16" }, // Python: 1.2345678901234568e+16
        { 1e21, "1e21" }, // Python: 1e+21
        { 1e300, "1e300" }, // Python: 1e+300
        { 5e-324, "5e-324" },
        { 2.2250738585072014e-308, "2.2250738585072014e-308" },
        { 1.7976931348623157e308, "1.7976931348623157e308" }, // Python: 1.7976931348623157e+308
    };

    [Theory]
    [MemberData(nameof(Doubles))]
    public void Serialize_DoubleObject_WritesSerdeJsonFloatText(double value, string expected)
    {
        Assert.Equal(expected, CanonicalJson.Serialize(value, null));
        Assert.Equal("{\"v\":" + expected + "}", CanonicalJson.Serialize(new { v = value }, null));
    }

    [Theory]
    [InlineData("2.0", "2.0")]
    [InlineData("2", "2")]
    [InlineData("-7", "-7")]
    [InlineData("2.50", "2.5")]
    [InlineData("1E16", "1e16")]
    [InlineData("1e+16", "1e16")]
    [InlineData("1.0e-7", "1e-7")]
    [InlineData("1e-05", "0.00001")]
    [InlineData("-0.0", "-0.0")]
    [InlineData("18446744073709551615", "18446744073709551615")]
    [InlineData("-9223372036854775808", "-9223372036854775808")]
    [InlineData("123456789012345678901234", "1.2345678901234569e23")]
    public void Serialize_JsonElementNumberText_FractionOrExponentIsAFloatIntegersStay(string raw, string expected)
    {
        Assert.Equal(expected, CanonicalJson.Serialize(JsonDocument.Parse(raw).RootElement));
        Assert.Equal(expected, CanonicalJson.Serialize(JsonDocument.Parse(raw).RootElement, null));
    }

    [Fact]
    public void InputHash_MixedNumericObject_MatchesPythonText()
    {
        var input = new { ratio = 0.1f, price = 2.50m, count = 3, big = 9007199254740993L, amount = 2.0 };
        Assert.Equal("{\"amount\":2.0,\"big\":9007199254740993,\"count\":3,\"price\":2.5,\"ratio\":0.1}", CanonicalJson.Serialize(input, null));
        Assert.Equal("sha256:98c19fc7721a06fe6174084255d46b9045c77eb243a16428656a71523274be9e", CanonicalJson.InputHash(input, null));
    }

    [Fact]
    public void InputHash_SharedFloatVectorAsCSharpObject_MatchesVectorHash()
    {
        // vectors.json canonical_input[5]: {"f":2.5,"g":0.1,"h":2.0,"i":-7,"j":123456.789}; before, "h" hashed as 2.
        var input = new { j = 123456.789, i = -7, h = 2.0, g = 0.1, f = 2.5 };
        Assert.Equal("sha256:b73bc9faae72a41564f46148911017194d0de3f58bd6ba8a2f9c8ec8575c4c30", CanonicalJson.InputHash(input, null));
    }

    [Fact]
    public void InputHash_WholeDoubleVersusInteger_Differ()
    {
        Assert.Equal("sha256:73cd99fe467c22b79ce26ccdd46a37598d04da133ec6d0f5dd1b8f7ab338d1b6", CanonicalJson.InputHash(new { amount = 2.0 }, null));
        Assert.Equal("sha256:a2879a37ea1e0b8938f44d782c2ff3887f30554da489efc8634d658a95a1094d", CanonicalJson.InputHash(new { amount = 2 }, null));
        Assert.Equal(CanonicalJson.InputHash(new { amount = 2.0 }, null), CanonicalJson.InputHash(JsonDocument.Parse("{\"amount\": 2.0}").RootElement, null));
    }

    [Fact]
    public void Serialize_BoxedAndNestedFloats_WrittenAsFloats()
    {
        var input = new Dictionary<string, object?> { ["b"] = new object[] { 1.0, 1, 1.0m, (float?)3f }, ["a"] = (double?)4.0, ["c"] = null };
        Assert.Equal("{\"a\":4.0,\"b\":[1.0,1,1.0,3.0],\"c\":null}", CanonicalJson.Serialize(input, null));
    }

    [Fact]
    public void Serialize_UserOptions_NamingPolicyKeptFloatsStillFloats()
    {
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        Assert.Equal("{\"unit_price\":2.0}", CanonicalJson.Serialize(new { UnitPrice = 2.0 }, options));
        Assert.Equal("{\"UnitPrice\":2}", JsonSerializer.Serialize(new { UnitPrice = 2.0 }, new JsonSerializerOptions { PropertyNamingPolicy = null })); // the STJ default this fixes
    }

    [Fact]
    public void Serialize_NumbersWrittenAsStrings_LeftAsStrings()
    {
        var options = new JsonSerializerOptions { NumberHandling = JsonNumberHandling.WriteAsString };
        Assert.Equal("{\"v\":\"2\"}", CanonicalJson.Serialize(new { v = 2.0 }, options));
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void InputHash_NonFiniteDouble_RefusedNamingTheValue(double value, string named)
    {
        var e = Assert.Throws<ArgumentException>(() => CanonicalJson.InputHash(new { v = value }, null));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InputHash_NullAndJsonNull_SameAsNullVector()
    {
        const string NullHash = "sha256:74234e98afe7498fb5daf1f36ac2d78acc339464f950703b8c019892f982b90b";
        Assert.Equal(NullHash, CanonicalJson.InputHash(null, null));
        Assert.Equal(NullHash, CanonicalJson.InputHash(JsonDocument.Parse("null").RootElement, null));
    }
}
