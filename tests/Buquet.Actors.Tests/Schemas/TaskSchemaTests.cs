using System.Text;
using Buquet.Actors.Protocol;
using Buquet.Actors.Schemas;

namespace Buquet.Actors.Tests.Schemas;

/// <summary>The wire form of <c>schemas/{task_type}.json</c> (protocol §2.10) and the draft 2020-12 keywords users rely on.</summary>
public sealed class TaskSchemaTests
{
    private const string Email = """{"input":{"type":"object","properties":{"to":{"type":"string","format":"email"},"priority":{"enum":["low","high"]}},"required":["to"]},"output":{"type":"object","properties":{"sent":{"type":"boolean"}}}}""";

    private static SchemaValidationResult Check(string schema, string value, SchemaPart part = SchemaPart.Input)
    {
        var compiled = CompiledTaskSchema.Build("t", TaskSchema.Parse(schema), "test");
        using var doc = System.Text.Json.JsonDocument.Parse(value);
        return compiled.Validate(part, doc.RootElement.Clone());
    }

    [Fact]
    public void ToUtf8_PeerObject_RoundTripsByteForByte()
    {
        var schema = TaskSchema.Parse(Email);

        Assert.Equal(Email, Encoding.UTF8.GetString(schema.ToUtf8()));
    }

    [Fact]
    public void ToUtf8_PrettyInputWithOnlyOutput_WritesCompactAndSkipsAbsentInput()
    {
        var schema = TaskSchema.Parse("{\n  \"input\": null,\n  \"output\": { \"type\": \"integer\" },\n  \"x-extra\": 1\n}");

        Assert.Null(schema.Input);
        Assert.Equal("""{"output":{"type":"integer"}}""", schema.ToString());
    }

    [Theory]
    [InlineData("[1]", "expected a JSON object")]
    [InlineData("{\"input\":", "not valid JSON")]
    [InlineData("{\"input\":\"string\"}", "field 'input' must be a JSON Schema")]
    [InlineData("{\"output\":[{}]}", "field 'output' must be a JSON Schema")]
    public void Parse_MalformedObject_ThrowsNamingKeyAndProblem(string body, string problem)
    {
        var e = Assert.Throws<MalformedObjectException>(() => TaskSchema.Parse(body, "schemas/send_email.json"));

        Assert.Equal("schemas/send_email.json", e.Key);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("Malformed object 'schemas/send_email.json'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MatchingInput_IsValid()
    {
        var result = Check(Email, """{"to":"a@b.example","priority":"high"}""");

        Assert.True(result.IsValid, result.Describe());
        Assert.True(result.Checked);
    }

    [Fact]
    public void Validate_MissingRequiredAndBadEnum_NamesEachPathAndKeyword()
    {
        var result = Check(Email, """{"priority":"urgent"}""");

        Assert.False(result.IsValid);
        Assert.Contains(result.Violations, v => v.Path == "" && v.Keyword == "required" && v.Message.Contains("to", StringComparison.Ordinal));
        Assert.Contains(result.Violations, v => v.Path == "/priority" && v.Keyword == "enum");
        Assert.Equal(2, result.Violations.Count);
    }

    [Fact]
    public void Validate_WrongType_NamesPathAndTypeKeyword()
    {
        var result = Check(Email, """{"to":42}""");

        var v = Assert.Single(result.Violations);
        Assert.Equal("/to", v.Path);
        Assert.Equal("type", v.Keyword);
        Assert.StartsWith("/to: type: ", v.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BadEmailFormat_FormatIsAsserted()
    {
        var result = Check(Email, """{"to":"not-an-email"}""");

        var v = Assert.Single(result.Violations);
        Assert.Equal(("/to", "format"), (v.Path, v.Keyword));
    }

    [Fact]
    public void Validate_RefIntoDefs_ChecksTheReferencedSchemaAtTheNestedPath()
    {
        const string schema = """{"input":{"$defs":{"sku":{"type":"string","pattern":"^[A-Z]{3}-[0-9]+$"}},"type":"object","properties":{"items":{"type":"array","items":{"type":"object","properties":{"sku":{"$ref":"#/$defs/sku"}}}}}}}""";

        Assert.True(Check(schema, """{"items":[{"sku":"ABC-1"}]}""").IsValid);
        var v = Assert.Single(Check(schema, """{"items":[{"sku":"ABC-1"},{"sku":"abc"}]}""").Violations);
        Assert.Equal(("/items/1/sku", "pattern"), (v.Path, v.Keyword));
    }

    [Fact]
    public void Validate_OutputPart_IsIndependentOfInput()
    {
        Assert.False(Check(Email, """{"sent":"yes"}""", SchemaPart.Output).IsValid);
        Assert.True(Check(Email, """{"sent":true}""", SchemaPart.Output).IsValid);
    }

    [Fact]
    public void Validate_NoInputPart_PassesUnchecked()
    {
        var result = Check("""{"output":{"type":"integer"}}""", "\"anything\"");

        Assert.True(result.IsValid);
        Assert.False(result.Checked);
    }

    [Fact]
    public void Validate_FalseSchema_RefusesEveryValue()
    {
        var v = Assert.Single(Check("""{"input":false}""", "{}").Violations);

        Assert.Equal("/", v.DisplayPath);
    }

    [Theory]
    [InlineData("""{"input":{"type":"strnig"}}""", "'input'")]
    [InlineData("""{"input":{"required":"to"}}""", "'input'")]
    [InlineData("""{"output":{"minLength":-1}}""", "'output'")]
    [InlineData("""{"input":{"$ref":"#/$defs/missing"}}""", "'input'")]
    [InlineData("""{"input":{"$ref":"https://example.com/remote.json"}}""", "'input'")]
    public void Build_InvalidJsonSchema_ThrowsNamingThePart(string schema, string part)
    {
        var e = Assert.Throws<InvalidTaskSchemaException>(() => CompiledTaskSchema.Build("t", TaskSchema.Parse(schema), "the given schema"));

        Assert.Contains($"The {part} part of the given schema is not a valid JSON Schema", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_SameIdInTwoTypes_DoesNotCollide()
    {
        const string schema = """{"input":{"$id":"https://example.com/order","type":"integer"}}""";

        Assert.True(Check(schema, "1").IsValid);
        Assert.False(Check(schema, "\"x\"").IsValid);
    }
}
