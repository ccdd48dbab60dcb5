using System.CommandLine;
using System.Text.Json.Nodes;
using Buquet.Actors.Client;
using Akka.Actor;
using Buquet.Actors.Hosting;
using Buquet.Actors.Runtime;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Actors.Worker;
using Buquet.Actors.Worker.BuiltIns;
using Buquet.Actors.Worker.Handlers;
using Buquet.Actors.Worker.Supervisor;
using Buquet.Actors.Workflows;
using Buquet.Host.Output;
using Spectre.Console;

namespace Buquet.Host.Cli;

/// <summary>
/// <c>buquet demo</c>: no setup. A local (SQLite) store in a fresh temp directory (or --dir), a worker with the
/// built-in handlers, a mixed batch (successes, retries, a permanent failure, a reschedule, a delayed task, a cancelled
/// task) plus the sample workflow <c>buquet.samples.diamond</c>, live progress, then a per-task summary, the workflow's
/// steps and where the objects are on disk. Finishes in well under 30 s.
/// </summary>
internal static class DemoCommand
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(25);

    public static Command Create(CliHost host)
    {
        var dir = new Option<string>("--dir") { Description = "Directory for the demo's store (default: a new temp directory).", HelpName = "PATH" };
        var command = new Command("demo", "Run a self-contained demo: a local store, a worker and a mixed batch of tasks, with live progress.") { dir };
        host.SetAction(command, async (ctx, ct) =>
        {
            var root = ctx.Parse.GetValue(dir) ?? Path.Combine(Path.GetTempPath(), "buquet-demo-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(root);
            using var store = new SqliteObjectStore(new SqliteStoreOptions { Directory = root, VersionedPrefixes = ObjectStoreFactory.LocalVersionedPrefixes, Durability = SqliteDurability.Normal }, ctx.Time);
            var client = new BuquetClient(store, new BuquetClientOptions(), ctx.Time);
            using var system = BuquetActorSystem.Create("buquet-demo", ctx.Time);
            var settings = new WorkerSettings
            {
                WorkerId = "worker-demo",
                Concurrency = 4,
                Polling = new PollingSettings(Buquet.Actors.Configuration.PollingStrategy.Adaptive, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(250), 2.0, TimeSpan.FromMilliseconds(250), 0.1),
                DrainDeadline = TimeSpan.FromSeconds(3),
                ShutdownGrace = TimeSpan.FromSeconds(2),
            };
            var runtime = WorkerFactory.CreateRuntime(store, settings, new TaskHandlerRegistry().AddBuiltIns(ctx.Time).AddWorkflows(client, null, SampleWorkflows.All()), 1, ctx.Time, Jitter.Default);
            var worker = WorkerFactory.Start(system, runtime);

            var workflows = new WorkflowClient(client, null, ctx.Time);
            var tasks = await SubmitBatchAsync(client, ct);
            var workflow = await workflows.StartAsync(SampleWorkflows.Diamond(), new JsonObject { ["demo"] = true }, "demo-diamond", ct);
            var started = ctx.Time.GetTimestamp();
            if (ctx.Json || ctx.Environment.IsOutputRedirected)
            {
                await WaitAsync(client, tasks, ctx.Time, started, _ => { }, ct);
            }
            else
            {
                var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(ctx.Environment.Out) });
                await console.Live(DemoTable.Render(tasks, console.Profile.Width)).StartAsync(async live =>
                    await WaitAsync(client, tasks, ctx.Time, started, current =>
                    {
                        live.UpdateTarget(DemoTable.Render(current, console.Profile.Width));
                        live.Refresh();
                    }, ct));
            }

            workflow = await WaitWorkflowAsync(workflows, workflow.Id, Limit - ctx.Time.GetElapsedTime(started), ct);
            await worker.Ask<WorkerSupervisor.ShutdownCompleted>(WorkerSupervisor.Shutdown.Instance, TimeSpan.FromSeconds(10), ct);
            var final = await RefreshAsync(client, tasks, ct);
            var ok = final.All(t => t.Task.Status == t.Expected) && workflow.Status == WorkflowStatus.Completed;
            Report(ctx, final, workflow, root, ctx.Time.GetElapsedTime(started), ok);
            await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance);
            return ok ? ExitCodes.Ok : ExitCodes.InfrastructureError;
        });
        return command;
    }

    /// <summary>Submits the demo batch (labels at most <see cref="DemoTable.LabelWidth"/> characters).</summary>
    internal static async Task<List<DemoTask>> SubmitBatchAsync(BuquetClient client, CancellationToken ct)
    {
        var fast = new RetryPolicy(200, 1000, 2.0, 0.1);
        var list = new List<DemoTask>();
        async Task Add(string label, string type, object input, BuquetTaskStatus expected, SubmitOptions? options = null) =>
            list.Add(new DemoTask(label, await client.SubmitAsync(type, input, (options ?? new SubmitOptions()) with { RetryPolicy = fast }, ct), expected));

        for (var i = 1; i <= 4; i++)
        {
            await Add($"echo #{i}", BuiltInHandlers.Echo, new JsonObject { ["greeting"] = "hello", ["n"] = i }, BuquetTaskStatus.Completed);
        }

        await Add("sleep 1.5 s", BuiltInHandlers.Sleep, new JsonObject { ["ms"] = 1500 }, BuquetTaskStatus.Completed);
        await Add("sleep 0.5 s", BuiltInHandlers.Sleep, new JsonObject { ["ms"] = 500 }, BuquetTaskStatus.Completed);
        await Add("fail: twice, then ok", BuiltInHandlers.Fail, new JsonObject { ["times"] = 2 }, BuquetTaskStatus.Completed);
        await Add("fail: once, then ok", BuiltInHandlers.Fail, new JsonObject { ["times"] = 1 }, BuquetTaskStatus.Completed);
        await Add("fail: always, 1 retry", BuiltInHandlers.Fail, new JsonObject { ["times"] = 99 }, BuquetTaskStatus.Failed, new SubmitOptions { MaxRetries = 1 });
        await Add("reschedule: twice, 1 s", BuiltInHandlers.Reschedule, new JsonObject { ["times"] = 2, ["delay_s"] = 1 }, BuquetTaskStatus.Completed);
        await Add("echo, delayed 3 s", BuiltInHandlers.Echo, new JsonObject { ["delayed"] = true }, BuquetTaskStatus.Completed, new SubmitOptions { Delay = TimeSpan.FromSeconds(3) });
        var cancelled = await client.SubmitAsync(BuiltInHandlers.Echo, new JsonObject { ["never"] = true }, new SubmitOptions { Delay = TimeSpan.FromMinutes(10) }, ct);
        await client.CancelAsync(cancelled.Id, "cancelled by the demo", "buquet-demo", ct);
        list.Add(new DemoTask("echo, cancelled", cancelled, BuquetTaskStatus.Cancelled));
        return list;
    }

    private static async Task WaitAsync(BuquetClient client, List<DemoTask> tasks, TimeProvider time, long started, Action<List<DemoTask>> show, CancellationToken ct)
    {
        while (true)
        {
            var current = await RefreshAsync(client, tasks, ct);
            show(current);
            if (current.All(t => t.Task.IsTerminal) || time.GetElapsedTime(started) > Limit)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), time, ct);
        }
    }

    /// <summary>Waits for the workflow to end (it runs alongside the tasks, so it has usually ended by now).</summary>
    private static async Task<WorkflowState> WaitWorkflowAsync(WorkflowClient workflows, string id, TimeSpan left, CancellationToken ct)
    {
        try
        {
            return await workflows.WaitAsync(id, left > TimeSpan.Zero ? left : TimeSpan.Zero, TimeSpan.FromMilliseconds(100), ct);
        }
        catch (TimeoutException)
        {
            return await workflows.GetAsync(id, ct) ?? throw new InvalidOperationException($"Workflow {id} disappeared.");
        }
    }

    private static async Task<List<DemoTask>> RefreshAsync(BuquetClient client, List<DemoTask> tasks, CancellationToken ct)
    {
        var result = new List<DemoTask>(tasks.Count);
        foreach (var t in tasks)
        {
            result.Add(t with { Task = await client.GetAsync(t.Task.Id, ct) ?? t.Task });
        }

        return result;
    }

    private static string StepSummary(WorkflowState workflow) =>
        string.Join(", ", WorkflowDag.TopologicalOrder(SampleWorkflows.Diamond().Steps.ToDictionary(s => s.Name, s => s.DependsOn, StringComparer.Ordinal))
            .Select(s => $"{s} {WorkflowJson.ToWire(workflow.Step(s).Status)}"));

    private static void Report(CliContext ctx, List<DemoTask> tasks, WorkflowState workflow, string root, TimeSpan elapsed, bool ok)
    {
        if (ctx.Json)
        {
            ctx.Output.WriteJson(new JsonObject
            {
                ["ok"] = ok,
                ["directory"] = Path.GetFullPath(root),
                ["database"] = Path.Combine(Path.GetFullPath(root), SqliteStoreOptions.DatabaseFileName),
                ["elapsed_seconds"] = Math.Round(elapsed.TotalSeconds, 2),
                ["tasks"] = new JsonArray([.. tasks.Select(t => (JsonNode)new JsonObject
                {
                    ["label"] = t.Label,
                    ["id"] = t.Task.Id.ToString(),
                    ["task_type"] = t.Task.TaskType,
                    ["status"] = t.Task.Status.ToString().ToLowerInvariant(),
                    ["expected"] = t.Expected.ToString().ToLowerInvariant(),
                    ["attempt"] = t.Task.Attempt,
                    ["retry_count"] = t.Task.RetryCount,
                    ["reschedule_count"] = t.Task.RescheduleCount,
                    ["last_error"] = t.Task.LastError,
                })]),
                ["workflow"] = new JsonObject
                {
                    ["id"] = workflow.Id,
                    ["type"] = workflow.Type,
                    ["status"] = WorkflowJson.ToWire(workflow.Status),
                    ["steps"] = new JsonObject([.. workflow.Steps.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)WorkflowJson.ToWire(p.Value.Status)))]),
                },
            });
            return;
        }

        if (ctx.Environment.IsOutputRedirected)
        {
            foreach (var t in tasks)
            {
                ctx.Output.Plain($"{t.Task.Id}  {t.Task.TaskType,-18} {t.Task.Status.ToString().ToLowerInvariant(),-10} attempts={t.Task.Attempt} retries={t.Task.RetryCount} reschedules={t.Task.RescheduleCount}  {t.Label}");
            }
        }

        var full = Path.GetFullPath(root);
        ctx.Output.Line($"Workflow [bold]{CliOutput.Esc(workflow.Type)}[/] {CliOutput.Esc(workflow.Id)}: {WorkflowJson.ToWire(workflow.Status)} (steps {CliOutput.Esc(StepSummary(workflow))}).");
        ctx.Output.Line(ok
            ? $"[green]All {tasks.Count} tasks and the workflow reached their expected state[/] in {elapsed.TotalSeconds:0.0} s."
            : $"[red]Some tasks or the workflow did not reach their expected state[/] within {Limit.TotalSeconds:0} s.");
        var database = Path.Combine(full, SqliteStoreOptions.DatabaseFileName);
        ctx.Output.Line($"Objects are in one SQLite file, [bold]{CliOutput.Esc(database)}[/]: table 'objects' holds the current object of");
        ctx.Output.Line("  every key (tasks/…, ready/… ready index, leases/… lease index, workflow/… workflow state), table 'versions' the earlier versions of task objects.");
        ctx.Output.Line($"  e.g. sqlite3 {CliOutput.Esc(database)} \"SELECT CAST(key AS TEXT) FROM objects LIMIT 5\"");

        ctx.Output.Line($"Inspect one: buquet history {tasks[0].Task.Id} --store local --local-path {CliOutput.Esc(full)}");
        ctx.Output.Line($"The workflow: buquet workflow status {CliOutput.Esc(workflow.Id)} --store local --local-path {CliOutput.Esc(full)}");
    }
}
