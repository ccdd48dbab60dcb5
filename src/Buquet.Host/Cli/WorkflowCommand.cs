using System.CommandLine;
using System.Text.Json.Nodes;
using Buquet.Actors.Hosting;
using Buquet.Actors.Storage;
using Buquet.Actors.Workflows;
using Buquet.Host.Output;

namespace Buquet.Host.Cli;

/// <summary><c>buquet workflow start|status|list|wait|signal|cancel|pause|resume</c>: durable workflows in the bucket.</summary>
internal static class WorkflowCommand
{
    public static Command Create(CliHost host)
    {
        var command = new Command("workflow", "Durable workflows (DAGs of steps run by the workers): start, inspect, signal, cancel, pause, resume. Docs: docs/workflows.md.");
        command.Subcommands.Add(StartCommand(host));
        command.Subcommands.Add(StatusCommand(host));
        command.Subcommands.Add(ListCommand(host));
        command.Subcommands.Add(SignalCommand(host));
        command.Subcommands.Add(WaitCommand(host));
        command.Subcommands.Add(Steer(host, "cancel", "Cancel a workflow and its running step tasks.", (c, id, reason, ct) => c.CancelAsync(id, reason, ct)));
        command.Subcommands.Add(Steer(host, "pause", "Pause a running or waiting workflow.", (c, id, reason, ct) => c.PauseAsync(id, reason, ct)));
        command.Subcommands.Add(Steer(host, "resume", "Resume a paused workflow (a step that failed under pause_workflow runs again).", (c, id, _, ct) => c.ResumeAsync(id, ct)));
        return command;
    }

    private static Argument<string> IdArgument() => new("id") { Description = "The workflow id." };

    private static Command StartCommand(CliHost host)
    {
        var type = new Argument<string>("type") { Description = $"The workflow type (a worker must have it registered; {SampleWorkflows.DiamondName} ships with the built-ins)." };
        var id = CliParsing.Option<string>("--id", "The workflow id (default wf-{uuid}); an existing id is returned as it is.", "ID");
        var input = CliParsing.Option<string>("--input", "JSON input (the workflow's data), or @FILE (@- = stdin). Default {}.", "JSON|@FILE", "-i");
        var hash = CliParsing.Option<string>("--definition-hash", "The type's definition_hash (known for the samples; for other types, from the application that defines them).", "HASH");
        var command = new Command("start", "Start a workflow.") { type, id, input, hash };
        host.SetAction(command, async (ctx, ct) =>
        {
            var p = ctx.Parse;
            var name = p.GetValue(type)!;
            var definitionHash = p.GetValue(hash) ?? SampleWorkflows.All().FirstOrDefault(s => s.Name == name)?.DefinitionHash
                ?? throw CliException.User($"The definition hash of workflow type '{name}' is not known here.", "Pass --definition-hash (WorkflowDefinition.DefinitionHash in the application that defines it).");
            var client = new WorkflowClient(await ctx.GetClientAsync(ct));
            var state = await client.StartAsync(name, definitionHash, CliParsing.Input(p.GetValue(input), ctx.Environment.In), p.GetValue(id), ct);
            Print(ctx, state);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command StatusCommand(CliHost host)
    {
        var id = IdArgument();
        var command = new Command("status", "Show a workflow: its status and each step's state (--json: the state object).") { id };
        host.SetAction(command, async (ctx, ct) =>
        {
            var workflowId = ctx.Parse.GetValue(id)!;
            var client = new WorkflowClient(await ctx.GetClientAsync(ct));
            Print(ctx, await client.GetAsync(workflowId, ct) ?? throw NotFound(workflowId));
            return ExitCodes.Ok;
        }, StoreAccess.ReadOnly);
        return command;
    }

    private static Command ListCommand(CliHost host)
    {
        var command = new Command("list", "List the workflows with their type and status.");
        host.SetAction(command, async (ctx, ct) =>
        {
            var client = new WorkflowClient(await ctx.GetClientAsync(ct));
            var states = new List<WorkflowState>();
            foreach (var workflowId in await client.ListAsync(ct))
            {
                if (await client.GetAsync(workflowId, ct) is { } s)
                {
                    states.Add(s);
                }
            }

            if (ctx.Json)
            {
                ctx.Output.WriteJson(new JsonArray([.. states.Select(s => (JsonNode)new JsonObject { ["id"] = s.Id, ["type"] = s.Type, ["status"] = WorkflowJson.ToWire(s.Status), ["updated_at"] = s.UpdatedAt })]));
                return ExitCodes.Ok;
            }

            if (states.Count == 0)
            {
                ctx.Output.Line("No workflows.");
            }

            foreach (var s in states)
            {
                ctx.Output.Line(CliOutput.Esc($"{s.Id}  {WorkflowJson.ToWire(s.Status),-14}  {s.Type}  {s.UpdatedAt}"));
            }

            return ExitCodes.Ok;
        }, StoreAccess.ReadOnly);
        return command;
    }

    private static Command WaitCommand(CliHost host)
    {
        var id = IdArgument();
        var timeout = CliParsing.Option<string>("--timeout", "How long to wait (e.g. 30s, 5m; default 5m); exit 2 when it passes.", "DUR");
        var command = new Command("wait", "Wait until a workflow is completed, failed or cancelled, then print it (exit 1 unless completed).") { id, timeout };
        host.SetAction(command, async (ctx, ct) =>
        {
            var workflowId = ctx.Parse.GetValue(id)!;
            var limit = ctx.Parse.GetValue(timeout) is { } t ? CliParsing.Duration("--timeout", t) : TimeSpan.FromMinutes(5);
            var client = new WorkflowClient(await ctx.GetClientAsync(ct), null, ctx.Time);
            _ = await client.GetAsync(workflowId, ct) ?? throw NotFound(workflowId);
            WorkflowState state;
            try
            {
                state = await client.WaitAsync(workflowId, limit, null, ct);
            }
            catch (TimeoutException e)
            {
                throw CliException.Infrastructure(e.Message, "Check that a worker with this workflow type runs ('buquet workers'), or wait longer with --timeout.");
            }

            Print(ctx, state);
            return state.Status == WorkflowStatus.Completed ? ExitCodes.Ok : ExitCodes.UserError;
        }, StoreAccess.ReadOnly);
        return command;
    }

    private static Command SignalCommand(CliHost host)
    {
        var id = IdArgument();
        var name = new Argument<string>("name") { Description = "The signal name." };
        var payload = CliParsing.Option<string>("--payload", "JSON payload, or @FILE (@- = stdin). Default {}.", "JSON|@FILE", "-p");
        var command = new Command("signal", "Send a signal to a workflow (a step waiting for it wakes at once).") { id, name, payload };
        host.SetAction(command, async (ctx, ct) =>
        {
            var p = ctx.Parse;
            var client = new WorkflowClient(await ctx.GetClientAsync(ct));
            var workflowId = p.GetValue(id)!;
            _ = await client.GetAsync(workflowId, ct) ?? throw NotFound(workflowId);
            var key = await client.SignalAsync(workflowId, p.GetValue(name)!, CliParsing.Input(p.GetValue(payload), ctx.Environment.In), ct);
            if (ctx.Json)
            {
                ctx.Output.WriteJson(new JsonObject { ["key"] = key });
            }
            else
            {
                ctx.Output.Line(CliOutput.Esc($"Signal sent: {key}"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Steer(CliHost host, string verb, string description, Func<WorkflowClient, string, string?, CancellationToken, Task<WorkflowState?>> action)
    {
        var id = IdArgument();
        var reason = CliParsing.Option<string>("--reason", "Why (recorded as the workflow's error message).", "TEXT", "-r");
        var command = new Command(verb, description) { id, reason };
        host.SetAction(command, async (ctx, ct) =>
        {
            var workflowId = ctx.Parse.GetValue(id)!;
            var client = new WorkflowClient(await ctx.GetClientAsync(ct));
            Print(ctx, await action(client, workflowId, ctx.Parse.GetValue(reason), ct) ?? throw NotFound(workflowId));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Print(CliContext ctx, WorkflowState state)
    {
        if (ctx.Json)
        {
            ctx.Output.WriteJson(JsonNode.Parse(WorkflowJson.Serialize(state)));
            return;
        }

        ctx.Output.Line(CliOutput.Esc($"Workflow {state.Id} ({state.Type}): {WorkflowJson.ToWire(state.Status)}"));
        if (state.Error is { } e)
        {
            ctx.Output.Line(CliOutput.Esc($"  error: {e.Type}: {e.Message}"));
        }

        foreach (var (name, step) in state.Steps)
        {
            var detail = step.Error is { } err ? $" ({err})" : step.TaskId is { } t ? $" task {t}" : "";
            ctx.Output.Line(CliOutput.Esc($"  {name,-20} {WorkflowJson.ToWire(step.Status),-10} attempt {step.Attempt}{detail}"));
        }
    }

    private static CliException NotFound(string id) =>
        CliException.User($"Workflow {id} not found.", "List the workflows with 'buquet workflow list', and check --store/--bucket/--local-path.");
}
