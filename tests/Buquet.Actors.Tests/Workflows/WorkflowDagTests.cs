using System.Text;
using System.Text.Json;
using Buquet.Actors.Tests.Protocol;
using Buquet.Actors.Workflows;

namespace Buquet.Actors.Tests.Workflows;

public sealed class WorkflowDagTests
{
    private static Task<int> One(StepContext _) => Task.FromResult(1);

    [Fact]
    public void DefinitionHash_VectorPythonStyle_MatchesStoredHash()
    {
        var vector = Vectors.Root.GetProperty("workflow_definition_hash");
        var steps = vector.GetProperty("steps").EnumerateObject()
            .ToDictionary(p => p.Name, p => (IReadOnlyList<string>)[.. p.Value.EnumerateArray().Select(e => e.GetString()!)], StringComparer.Ordinal);
        var python = vector.GetProperty("python_style");

        Assert.Equal(python.GetProperty("text").GetString(), WorkflowDag.DefinitionText(steps));
        Assert.Equal(python.GetProperty("definition_hash").GetString(), WorkflowDag.DefinitionHash(steps));
    }

    [Fact]
    public void DefinitionHash_DefinitionStepsAB_IsSha256D546()
    {
        var wf = new WorkflowDefinition("w").Step("b", One, new StepOptions { DependsOn = ["a"] }).Step("a", One);

        Assert.Equal("sha256:d546d328fe022f72", wf.DefinitionHash);
    }

    [Fact]
    public void DefinitionText_NonAsciiName_EscapedAsPython()
    {
        var text = WorkflowDag.DefinitionText(new Dictionary<string, IReadOnlyList<string>> { ["é\"x\u007f"] = [] });

        Assert.Equal("{\"dependencies\": {\"\\u00e9\\\"x\\u007f\": []}, \"steps\": [\"\\u00e9\\\"x\\u007f\"]}", text);
    }

    [Fact]
    public void Validate_UnknownDependency_NamesBothSteps()
    {
        var wf = new WorkflowDefinition("w").Step("a", One, new StepOptions { DependsOn = ["ghost"] });

        var ex = Assert.Throws<WorkflowDefinitionException>(wf.Validate);
        Assert.Contains("'a' depends on unknown step 'ghost'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SelfDependency_NamesTheStep()
    {
        var wf = new WorkflowDefinition("w").Step("a", One, new StepOptions { DependsOn = ["a"] });

        var ex = Assert.Throws<WorkflowDefinitionException>(wf.Validate);
        Assert.Contains("'a' depends on itself", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Cycle_NamesTheStepsOnIt()
    {
        var wf = new WorkflowDefinition("w")
            .Step("a", One)
            .Step("b", One, new StepOptions { DependsOn = ["a", "c"] })
            .Step("c", One, new StepOptions { DependsOn = ["b"] });

        var ex = Assert.Throws<WorkflowDefinitionException>(wf.Validate);
        Assert.Contains("cycle among steps 'b', 'c'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Step_DuplicateName_Throws()
    {
        var wf = new WorkflowDefinition("w").Step("a", One);

        Assert.Throws<WorkflowDefinitionException>(() => wf.Step("a", One));
    }

    [Fact]
    public void TopologicalOrder_Diamond_LexicographicTieBreak()
    {
        var order = WorkflowDag.TopologicalOrder(new Dictionary<string, IReadOnlyList<string>>
        {
            ["d"] = ["c", "b"],
            ["c"] = ["a"],
            ["b"] = ["a"],
            ["a"] = [],
        });

        Assert.Equal(["a", "b", "c", "d"], order);
    }

    [Fact]
    public void Serialize_PeerState_RoundTripsByteForByte()
    {
        const string peer = """{"id":"wf-1","type":"order","definition_hash":"sha256:d546d328fe022f72","status":"running","current_steps":["b"],"data":{"n":1},"steps":{"a":{"status":"completed","started_at":"2026-01-28T12:00:00.123456789+00:00","completed_at":"2026-01-28T12:00:01+00:00","result":{"ok":true},"attempt":1},"b":{"status":"running","started_at":"2026-01-28T12:00:01+00:00","attempt":1,"task_id":"0b6f1c1e-2f0a-4d7e-9a59-3c1d2e4f5a6b"}},"signals":{"approve":{"cursor":"2026-01-28T12:00:00+00:00_5b1f.json"},"other":{}},"error":{"type":"Paused","message":"Manually paused"},"created_at":"2026-01-28T12:00:00+00:00","updated_at":"2026-01-28T12:00:01+00:00","orchestrator_task_id":"7d0c8f5e-1111-4a2b-8c3d-000000000001"}""";

        var state = WorkflowJson.Parse(Encoding.UTF8.GetBytes(peer), "workflow/wf-1/state.json");

        Assert.Equal(WorkflowStatus.Running, state.Status);
        Assert.Equal(StepStatus.Completed, state.Steps["a"].Status);
        Assert.Null(state.Signals["other"]);
        Assert.Equal(peer, Encoding.UTF8.GetString(WorkflowJson.Serialize(state)));
    }

    [Fact]
    public void Parse_MinimalPeerState_DefaultsOptionalFields()
    {
        const string minimal = """{"id":"wf-2","type":"t","definition_hash":"sha256:0","status":"waiting_signal","steps":{"a":{"status":"pending"}},"created_at":"x","updated_at":"y"}""";

        var state = WorkflowJson.Parse(Encoding.UTF8.GetBytes(minimal), "k");

        Assert.Equal(WorkflowStatus.WaitingSignal, state.Status);
        Assert.Empty(state.CurrentSteps);
        Assert.Equal(0, state.Steps["a"].Attempt);
        Assert.Contains("\"current_steps\":[],\"data\":null", Encoding.UTF8.GetString(WorkflowJson.Serialize(state)), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownStatus_IsMalformed()
    {
        Assert.Throws<Buquet.Actors.Protocol.MalformedObjectException>(() =>
            WorkflowJson.Parse(Encoding.UTF8.GetBytes("""{"id":"w","type":"t","definition_hash":"h","status":"sleeping","created_at":"x","updated_at":"y"}"""), "k"));
    }

    [Fact]
    public void SignalOrder_MixedTimestampFormats_SortsByTime()
    {
        string[] suffixes = ["2026-01-28T12:00:00.5Z_b.json", "2026-01-28T12:00:00+00:00_c.json", "2026-01-28T11:00:00-02:00_a.json"];

        var sorted = suffixes.Select(s => (Ok: SignalOrder.TryParse(s, out var o), Order: o, Suffix: s)).OrderBy(x => x.Order).Select(x => x.Suffix);

        Assert.Equal(["2026-01-28T12:00:00+00:00_c.json", "2026-01-28T12:00:00.5Z_b.json", "2026-01-28T11:00:00-02:00_a.json"], sorted);
    }

    [Fact]
    public void Serialize_Signal_HasPeerFields()
    {
        var body = WorkflowJson.SerializeSignal(Guid.Parse("5b1f0000-0000-4000-8000-000000000000"), "approve", JsonDocument.Parse("{\"ok\":1}").RootElement, "2026-01-28T12:00:00+00:00");

        Assert.Equal("""{"id":"5b1f0000-0000-4000-8000-000000000000","name":"approve","payload":{"ok":1},"created_at":"2026-01-28T12:00:00+00:00"}""", Encoding.UTF8.GetString(body));
    }
}
