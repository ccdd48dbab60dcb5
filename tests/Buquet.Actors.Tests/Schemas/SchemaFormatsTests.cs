using Buquet.Actors.Schemas;

namespace Buquet.Actors.Tests.Schemas;

/// <summary>
/// The <c>format</c> checks that replace JsonSchema.Net's regexes with a 250 ms match timeout (a timeout read as
/// "invalid" failed a valid <c>a@b.example</c> under load): same answers, and the task schemas evaluate with them.
/// </summary>
public sealed class SchemaFormatsTests
{
    [Theory]
    [InlineData("a@b.example", true)]
    [InlineData("first.last+tag@sub.example.org", true)]
    [InlineData("\"john..doe\"@example.org", true)]
    [InlineData("joe@[127.0.0.1]", true)]
    [InlineData("joe@[IPv6:::1]", true)]
    [InlineData("nope", false)]
    [InlineData("a@b", false)]
    [InlineData(".a@b.example", false)]
    [InlineData("a..b@b.example", false)]
    [InlineData("a@-b.example", false)]
    [InlineData("a@[300.0.0.1]", false)]
    [InlineData("a b@b.example", false)]
    public void IsEmail_Address_AcceptsOnlyRfc5321Forms(string value, bool valid) => Assert.Equal(valid, SchemaFormats.IsEmail(value));

    [Theory]
    [InlineData("실례@실례.테스트", true)]
    [InlineData("a@b.example", true)]
    [InlineData("실례@", false)]
    [InlineData("a b@실례.테스트", false)]
    public void IsIdnEmail_Address_AcceptsInternationalisedForms(string value, bool valid) => Assert.Equal(valid, SchemaFormats.IsIdnEmail(value));

    [Theory]
    [InlineData("www.example.com", true)]
    [InlineData("a", true)]
    [InlineData("-a.example", false)]
    [InlineData("a-.example", false)]
    [InlineData("a_b.example", false)]
    [InlineData("a..example", false)]
    public void IsHostname_Name_AcceptsRfc1123Labels(string value, bool valid) => Assert.Equal(valid, SchemaFormats.IsHostname(value));

    [Fact]
    public void IsHostname_LabelOf64_Refused()
    {
        Assert.True(SchemaFormats.IsHostname(new string('a', 63) + ".example"));
        Assert.False(SchemaFormats.IsHostname(new string('a', 64) + ".example"));
        Assert.False(SchemaFormats.IsHostname(string.Join('.', Enumerable.Repeat(new string('a', 63), 4))));
    }

    [Theory]
    [InlineData("실례.테스트", true)]
    [InlineData("-실례.테스트", false)]
    public void IsIdnHostname_Name_CheckedInItsAsciiForm(string value, bool valid) => Assert.Equal(valid, SchemaFormats.IsIdnHostname(value));

    [Theory]
    [InlineData("1963-06-19T08:30:06.283185Z", true)]
    [InlineData("1963-06-19t08:30:06z", true)]
    [InlineData("2024-02-29T00:00:00+05:30", true)]
    [InlineData("1998-12-31T23:59:60Z", true)]
    [InlineData("1998-12-31T15:59:60-08:00", true)]
    [InlineData("1998-12-31T23:58:60Z", false)]
    [InlineData("2023-02-29T00:00:00Z", false)]
    [InlineData("2024-13-01T00:00:00Z", false)]
    [InlineData("2024-01-01T24:00:00Z", false)]
    [InlineData("2024-01-01T00:00:00+24:00", false)]
    [InlineData("2024-01-01 00:00:00Z", false)]
    [InlineData("2024-01-01T00:00:00", false)]
    public void IsDateTime_Value_AcceptsRfc3339WithLeapSecondOnlyAtUtcMidnight(string value, bool valid) => Assert.Equal(valid, SchemaFormats.IsDateTime(value));

    [Fact]
    public void Registry_TimedOutLibraryFormats_ReplacedOthersFromTheLibrary()
    {
        foreach (var name in new[] { "date-time", "email", "idn-email", "hostname", "idn-hostname" })
        {
            Assert.NotSame(Json.Schema.FormatRegistry.Global.Get(name), SchemaFormats.Registry.Get(name));
        }

        Assert.Same(Json.Schema.FormatRegistry.Global.Get("uuid"), SchemaFormats.Registry.Get("uuid"));
    }

    [Fact]
    public void Validate_SchemaWithFormats_UsesTheseChecks()
    {
        var compiled = CompiledTaskSchema.Build("t", TaskSchema.Parse("""{"input":{"type":"object","properties":{"to":{"format":"email"},"at":{"format":"date-time"},"id":{"format":"uuid"}}}}"""), "test");
        using var good = System.Text.Json.JsonDocument.Parse("""{"to":"\"a b\"@b.example","at":"1998-12-31T23:59:60Z","id":"2b3c6a4e-4e0f-4b6e-9c1d-2f3e4a5b6c7d"}""");
        using var bad = System.Text.Json.JsonDocument.Parse("""{"to":"a@b","at":"1998-12-31T23:58:60Z","id":"x"}""");

        Assert.Empty(compiled.Validate(SchemaPart.Input, good.RootElement.Clone()).Violations);
        Assert.Equal(["/at", "/id", "/to"], compiled.Validate(SchemaPart.Input, bad.RootElement.Clone()).Violations.Select(v => v.Path).Order(StringComparer.Ordinal));
    }
}
