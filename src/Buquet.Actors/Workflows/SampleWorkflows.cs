using System.Text.Json;
using Buquet.Actors.Protocol.Json;

namespace Buquet.Actors.Workflows;

/// <summary>
/// Workflows every worker with built-in handlers registers, usable without code (demo, docs, tests):
/// <c>buquet.samples.diamond</c>: <c>a</c>; <c>b</c> and <c>c</c> (each depends on <c>a</c>); <c>d</c> (depends on
/// <c>b</c> and <c>c</c>). Each step echoes the workflow's input merged with <c>{"step": name}</c>.
/// </summary>
public static class SampleWorkflows
{
    /// <summary>The diamond's workflow type.</summary>
    public const string DiamondName = "buquet.samples.diamond";

    /// <summary>
    /// The diamond's step timeout (each step's task <c>timeout_seconds</c>, so its lease on claim): the steps only echo,
    /// so a worker killed while running one leaves it recoverable after seconds, not the default 300 s (ADR 0023).
    /// </summary>
    public static readonly TimeSpan DiamondStepTimeout = TimeSpan.FromSeconds(10);

    /// <summary>A new diamond definition.</summary>
    /// <returns>The definition.</returns>
    public static WorkflowDefinition Diamond() => new WorkflowDefinition(DiamondName)
        .Step("a", Echo, new StepOptions { Timeout = DiamondStepTimeout })
        .Step("b", Echo, new StepOptions { DependsOn = ["a"], Timeout = DiamondStepTimeout })
        .Step("c", Echo, new StepOptions { DependsOn = ["a"], Timeout = DiamondStepTimeout })
        .Step("d", Echo, new StepOptions { DependsOn = ["b", "c"], Timeout = DiamondStepTimeout });

    /// <summary>The samples, by type.</summary>
    /// <returns>Fresh definitions.</returns>
    public static IReadOnlyList<WorkflowDefinition> All() => [Diamond()];

    private static Task<JsonElement> Echo(StepContext ctx)
    {
        var w = new JsonOut().BeginObject();
        if (ctx.Data is { ValueKind: JsonValueKind.Object } data)
        {
            foreach (var p in data.EnumerateObject().Where(p => p.Name != "step"))
            {
                w.Name(p.Name).Element(p.Value);
            }
        }

        return Task.FromResult(WorkflowEngine.Parse(w.Name("step").String(ctx.Step).EndObject().ToString()));
    }
}
