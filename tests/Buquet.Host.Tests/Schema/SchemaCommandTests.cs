using System.Text.Json;
using Buquet.Actors.Storage;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Cli.Schema;

/// <summary>End-to-end runs of <c>buquet schema ...</c> and <c>submit --validate</c> (the built executable) on a local store.</summary>
public sealed class SchemaCommandTests : LocalCliTest
{
    private const string Order = """{"input":{"type":"object","properties":{"qty":{"type":"integer","minimum":1},"to":{"type":"string","format":"email"}},"required":["qty"]}}""";

    private async Task SetOrderAsync()
    {
        var run = await Buquet.RunAsync("schema", "set", "order", Order);
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    private async Task<int> TaskCountAsync() =>
        (await new SqliteObjectStore(Dir.StorePath).ListAsync(new ListRequest("tasks/"))).Objects.Count;

    [Fact]
    public async Task SetThenGet_FromFile_StoresPeerObjectAndPrintsIt()
    {
        await File.WriteAllTextAsync(Path.Combine(Dir.Path, "order.json"), "{\n  \"input\": {\"type\": \"object\", \"required\": [\"qty\"]}\n}");

        var set = await Buquet.RunAsync("schema", "set", "order", "@order.json");
        var get = await Buquet.RunAsync("schema", "get", "order");

        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Contains("Published schema for 'order' (schemas/order.json)", set.Stdout, StringComparison.Ordinal);
        var stored = await new SqliteObjectStore(Dir.StorePath).GetAsync("schemas/order.json");
        Assert.Equal("""{"input":{"type":"object","required":["qty"]}}""", System.Text.Encoding.UTF8.GetString(stored!.Body.Span));
        Assert.True(get.ExitCode == 0, get.ToString());
        using var doc = JsonDocument.Parse(get.Stdout);
        Assert.Equal("qty", doc.RootElement.GetProperty("input").GetProperty("required")[0].GetString());
    }

    [Fact]
    public async Task Set_InvalidJsonSchema_ExitsOneNamingPartAndWritesNothing()
    {
        var run = await Buquet.RunAsync("schema", "set", "order", """{"input":{"type":"int"}}""");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Error: The 'input' part of the schema given for 'order' is not a valid JSON Schema", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Nothing was written.", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, (await Buquet.RunAsync("schema", "get", "order")).ExitCode);
    }

    [Fact]
    public async Task Set_BareJsonSchemaWithoutParts_ExitsOneShowingTheShape()
    {
        var run = await Buquet.RunAsync("schema", "set", "order", """{"type":"object"}""");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("neither an 'input' nor an 'output' part", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Suggestion: Give {\"input\": <JSON Schema>", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_ValidAndInvalid_ExitZeroAndOneWithPathsAndKeywords()
    {
        await SetOrderAsync();

        var valid = await Buquet.RunAsync("schema", "validate", "order", """{"qty":2,"to":"a@b.example"}""");
        var invalid = await Buquet.RunAsync("schema", "validate", "order", """{"qty":0,"to":"nope"}""");

        Assert.True(valid.ExitCode == 0, valid.ToString());
        Assert.Contains("Input is valid", valid.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, invalid.ExitCode);
        Assert.Contains("Validation failed", invalid.Stdout, StringComparison.Ordinal);
        Assert.Contains("/qty: minimum: ", invalid.Stdout, StringComparison.Ordinal);
        Assert.Contains("/to: format: ", invalid.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_JsonFlag_PrintsErrorsWithPathAndKeyword()
    {
        await SetOrderAsync();

        var run = await Buquet.RunAsync("schema", "validate", "order", "{}", "--json");

        Assert.Equal(1, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Stdout);
        Assert.False(doc.RootElement.GetProperty("valid").GetBoolean());
        var error = Assert.Single(doc.RootElement.GetProperty("errors").EnumerateArray());
        Assert.Equal(("", "required"), (error.GetProperty("path").GetString(), error.GetProperty("keyword").GetString()));
    }

    [Fact]
    public async Task Validate_NoSchema_ExitsOneSayingSo()
    {
        Dir.CreateEmptyStore();

        var run = await Buquet.RunAsync("schema", "validate", "ghost", "{}");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("No schema for task type 'ghost' (schemas/ghost.json).", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitValidate_InvalidInput_ExitsOneNamingPathAndWritesNothing()
    {
        await SetOrderAsync();

        var run = await Buquet.RunAsync("submit", "-t", "order", "-i", """{"qty":"two"}""", "--validate");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("/qty: type: ", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Nothing was submitted.", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, await TaskCountAsync());
    }

    [Fact]
    public async Task SubmitValidate_ValidInput_Submits()
    {
        await SetOrderAsync();

        await SubmitAsync("order", "-i", """{"qty":1}""", "--validate");

        Assert.Equal(1, await TaskCountAsync());
    }

    [Fact]
    public async Task SubmitValidate_NoSchema_RefusedAndNothingWritten()
    {
        var run = await Buquet.RunAsync("submit", "-t", "ghost", "--validate");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("No schema is stored for task type 'ghost'", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, await TaskCountAsync());
    }

    [Fact]
    public async Task ListThenDelete_TwoTypes_ListsBothThenOne()
    {
        await SetOrderAsync();
        Assert.Equal(0, (await Buquet.RunAsync("schema", "publish", "email", """{"output":{"type":"boolean"}}""")).ExitCode);

        var listed = await Buquet.RunAsync("schema", "list");
        var deleted = await Buquet.RunAsync("schema", "delete", "email");
        var again = await Buquet.RunAsync("schema", "delete", "email");
        var after = await Buquet.RunAsync("schema", "list", "--json");

        Assert.Equal(["email", "order"], listed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Equal(1, again.ExitCode);
        using var doc = JsonDocument.Parse(after.Stdout);
        Assert.Equal("order", Assert.Single(doc.RootElement.GetProperty("schemas").EnumerateArray()).GetString());
    }
}
