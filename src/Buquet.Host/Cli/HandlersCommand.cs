using System.CommandLine;
using System.Text.Json.Nodes;
using Buquet.Actors.Worker.BuiltIns;
using Buquet.Host.Output;

namespace Buquet.Host.Cli;

/// <summary><c>buquet handlers</c>: the built-in handlers every <c>buquet worker</c> runs, their inputs and an example; no store access.</summary>
internal static class HandlersCommand
{
    public static Command Create(CliHost host)
    {
        var command = new Command("handlers", "List the built-in handlers (buquet.echo, buquet.sleep, ...): input fields and an example submit.");
        host.SetAction(command, (ctx, _) =>
        {
            if (ctx.Json)
            {
                ctx.Output.WriteJson(new JsonObject
                {
                    ["handlers"] = new JsonArray([.. BuiltInHandlers.Catalog.Select(h => (JsonNode)new JsonObject
                    {
                        ["task_type"] = h.TaskType,
                        ["summary"] = h.Summary,
                        ["fields"] = new JsonArray([.. h.Fields.Select(f => (JsonNode)new JsonObject
                        {
                            ["name"] = f.Name,
                            ["type"] = f.Type,
                            ["required"] = f.Required,
                            ["description"] = f.Description,
                        })]),
                        ["example_input"] = JsonNode.Parse(h.ExampleInput),
                        ["output"] = h.Output,
                    })]),
                });
                return Task.FromResult(ExitCodes.Ok);
            }

            foreach (var h in BuiltInHandlers.Catalog)
            {
                ctx.Output.Line($"[bold]{CliOutput.Esc(h.TaskType)}[/]  {CliOutput.Esc(h.Summary)}");
                if (h.Fields.Count == 0)
                {
                    ctx.Output.Line("  input:   any JSON");
                }

                foreach (var f in h.Fields)
                {
                    ctx.Output.Line($"  {CliOutput.Esc(f.Name)} ({f.Type}{(f.Required ? ", required" : "")}): {CliOutput.Esc(f.Description)}");
                }

                ctx.Output.Line($"  output:  {CliOutput.Esc(h.Output)}");
                ctx.Output.Line($"  example: buquet submit -t {CliOutput.Esc(h.TaskType)} -i '{CliOutput.Esc(h.ExampleInput)}' --wait");
                ctx.Output.Line();
            }

            ctx.Output.Line("Workers run them unless buquet.worker.built-in-handlers = false.");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }
}
