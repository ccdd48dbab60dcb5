using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Buquet.Actors.Protocol;
using Buquet.Actors.Schemas;
using Buquet.Actors.Hosting;
using Buquet.Actors.Storage;
using Buquet.Host.Output;

namespace Buquet.Host.Cli.Schema;

/// <summary>
/// <c>buquet schema set|get|validate|list|delete</c>: task schemas (<c>schemas/{task_type}.json</c>, buquet protocol
/// §2.10), JSON Schema draft 2020-12 for a task type's input and output. <c>publish</c> is buquet's name for <c>set</c>.
/// </summary>
internal static class SchemaCommand
{
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true };

    public static Command Create(CliHost host)
    {
        var command = new Command("schema", "Task schemas: JSON Schema (draft 2020-12) for a task type's input and output, stored as schemas/{task_type}.json.");
        command.Subcommands.Add(SetCommand(host));
        command.Subcommands.Add(GetCommand(host));
        command.Subcommands.Add(ValidateCommand(host));
        command.Subcommands.Add(ListCommand(host));
        command.Subcommands.Add(DeleteCommand(host));
        return command;
    }

    private static Argument<string> TypeArgument() => new("type") { Description = "The task type." };

    private static Command SetCommand(CliHost host)
    {
        var type = TypeArgument();
        var schema = new Argument<string>("schema") { Description = "The schema object {\"input\": <JSON Schema>, \"output\": <JSON Schema>} (either part may be left out), or @FILE (@- = stdin)." };
        var command = new Command("set", "Store (or replace) a task type's schema; a part that is not a valid JSON Schema is refused and nothing is written.") { type, schema };
        command.Aliases.Add("publish");
        host.SetAction(command, async (ctx, ct) =>
        {
            var taskType = ctx.Parse.GetValue(type)!;
            var parsed = ParseSchema(CliParsing.Input(ctx.Parse.GetValue(schema), ctx.Environment.In));
            var client = await ctx.GetClientAsync(ct);
            await client.Schemas.SetAsync(taskType, parsed, ct);
            if (ctx.Json)
            {
                ctx.Output.WriteJson(new JsonObject { ["task_type"] = taskType, ["key"] = TaskKeys.Schema(taskType), ["schema"] = JsonNode.Parse(parsed.ToString()) });
            }
            else
            {
                ctx.Output.Line($"Published schema for '{CliOutput.Esc(taskType)}' ({CliOutput.Esc(TaskKeys.Schema(taskType))})");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command GetCommand(CliHost host)
    {
        var type = TypeArgument();
        var command = new Command("get", "Print a task type's schema (pretty JSON).") { type };
        host.SetAction(command, async (ctx, ct) =>
        {
            var taskType = ctx.Parse.GetValue(type)!;
            var client = await ctx.GetClientAsync(ct);
            var stored = await client.Schemas.GetAsync(taskType, ct) ?? throw NotFound(taskType);
            ctx.Output.Plain(JsonNode.Parse(stored.ToString())!.ToJsonString(Pretty));
            return ExitCodes.Ok;
        }, StoreAccess.ReadOnly);
        return command;
    }

    private static Command ValidateCommand(CliHost host)
    {
        var type = TypeArgument();
        var value = new Argument<string>("value") { Description = "The JSON value to check, or @FILE (@- = stdin)." };
        var output = new Option<bool>("--output") { Description = "Check the value against the output schema instead of the input schema." };
        var command = new Command("validate", "Check a value against a task type's input (or --output) schema without submitting: exit 0 when valid, 1 with every failing path and keyword when not.") { type, value, output };
        host.SetAction(command, async (ctx, ct) =>
        {
            var taskType = ctx.Parse.GetValue(type)!;
            var element = CliParsing.Input(ctx.Parse.GetValue(value), ctx.Environment.In);
            var client = await ctx.GetClientAsync(ct);
            SchemaValidationResult result;
            try
            {
                result = ctx.Parse.GetValue(output)
                    ? await client.Schemas.ValidateOutputAsync(taskType, element, ct)
                    : await client.Schemas.ValidateInputAsync(taskType, element, ct);
            }
            catch (SchemaNotFoundException)
            {
                throw NotFound(taskType);
            }

            Report(ctx, result);
            return result.IsValid ? ExitCodes.Ok : ExitCodes.UserError;
        }, StoreAccess.ReadOnly);
        return command;
    }

    private static Command ListCommand(CliHost host)
    {
        var command = new Command("list", "List the task types that have a schema, one per line.");
        host.SetAction(command, async (ctx, ct) =>
        {
            var client = await ctx.GetClientAsync(ct);
            var types = await client.Schemas.ListAsync(ct);
            if (ctx.Json)
            {
                ctx.Output.WriteJson(new JsonObject { ["schemas"] = new JsonArray([.. types.Select(t => (JsonNode)JsonValue.Create(t))]) });
            }
            else if (types.Count == 0)
            {
                ctx.Output.Line("No schemas.");
            }
            else
            {
                foreach (var t in types)
                {
                    ctx.Output.Plain(t);
                }
            }

            return ExitCodes.Ok;
        }, StoreAccess.ReadOnly);
        return command;
    }

    private static Command DeleteCommand(CliHost host)
    {
        var type = TypeArgument();
        var command = new Command("delete", "Delete a task type's schema.") { type };
        host.SetAction(command, async (ctx, ct) =>
        {
            var taskType = ctx.Parse.GetValue(type)!;
            var client = await ctx.GetClientAsync(ct);
            if (!await client.Schemas.DeleteAsync(taskType, ct))
            {
                throw NotFound(taskType);
            }

            if (ctx.Json)
            {
                ctx.Output.WriteJson(new JsonObject { ["task_type"] = taskType, ["deleted"] = true });
            }
            else
            {
                ctx.Output.Line($"Deleted schema for '{CliOutput.Esc(taskType)}'");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The given schema object; a bare JSON Schema (no input/output part) is refused with the expected shape.</summary>
    private static TaskSchema ParseSchema(JsonElement element)
    {
        TaskSchema parsed;
        try
        {
            parsed = TaskSchema.Parse(element.GetRawText(), "the given schema");
        }
        catch (MalformedObjectException e)
        {
            throw CliException.User(e.Problem.Length > 0 ? $"The given schema object is not usable: {e.Problem}." : e.Message, ShapeHint);
        }

        return parsed.Input is null && parsed.Output is null
            ? throw CliException.User("The given schema object has neither an 'input' nor an 'output' part, so it would constrain nothing.", ShapeHint)
            : parsed;
    }

    private const string ShapeHint =
        "Give {\"input\": <JSON Schema>, \"output\": <JSON Schema>} (either part may be left out), e.g. '{\"input\": {\"type\": \"object\", \"required\": [\"to\"]}}', or a file with @schema.json.";

    private static void Report(CliContext ctx, SchemaValidationResult result)
    {
        var part = result.Part.ToString().ToLowerInvariant();
        if (ctx.Json)
        {
            ctx.Output.WriteJson(new JsonObject
            {
                ["task_type"] = result.TaskType,
                ["part"] = part,
                ["valid"] = result.IsValid,
                ["checked"] = result.Checked,
                ["errors"] = new JsonArray([.. result.Violations.Select(v => (JsonNode)new JsonObject { ["path"] = v.Path, ["keyword"] = v.Keyword, ["message"] = v.Message })]),
            });
            return;
        }

        if (result.IsValid)
        {
            var note = result.Checked ? string.Empty : $" (the schema has no {part} part: any value passes)";
            ctx.Output.Line(CliOutput.Esc($"{char.ToUpperInvariant(part[0])}{part[1..]} is valid{note}"));
            return;
        }

        ctx.Output.Line(CliOutput.Esc($"Validation failed: the {part} does not match {TaskKeys.Schema(result.TaskType)}"));
        foreach (var v in result.Violations)
        {
            ctx.Output.Line(CliOutput.Esc($"  {v}"));
        }
    }

    private static CliException NotFound(string taskType) => CliException.User(
        $"No schema for task type '{taskType}' ({TaskKeys.Schema(taskType)}).",
        $"List the stored schemas with 'buquet schema list'; store one with 'buquet schema set {taskType} @schema.json'.");
}
