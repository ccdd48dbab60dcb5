using System.CommandLine;
using System.Text.Json.Nodes;
using Buquet.Actors.Configuration;

namespace Buquet.Host.Cli;

/// <summary><c>buquet config show|validate</c>: the effective configuration; no store access.</summary>
internal static class ConfigCommand
{
    public static Command Create(CliHost host)
    {
        var show = new Command("show", "Print every setting, its value and the layer it came from (secrets redacted).");
        host.SetAction(show, (ctx, _) =>
        {
            var root = ctx.Configuration;
            if (ctx.Json)
            {
                ctx.Output.WriteJson(new JsonObject
                {
                    ["settings"] = new JsonArray([.. BuquetConfiguration.Describe(root).Select(e => (JsonNode)new JsonObject
                    {
                        ["key"] = e.Key,
                        ["value"] = e.Value,
                        ["layer"] = e.Layer,
                        ["redacted"] = e.Redacted,
                    })]),
                });
            }
            else
            {
                ctx.Output.Plain(BuquetConfiguration.Show(root).TrimEnd());
            }

            return Task.FromResult(ExitCodes.Ok);
        });

        var validate = new Command("validate", "Check the configuration; lists every error and exits 1 if there is any.");
        host.SetAction(validate, (ctx, _) =>
        {
            IReadOnlyList<string> errors;
            try
            {
                BuquetOptions.Load(ctx.Configuration);
                errors = [];
            }
            catch (BuquetConfigurationException e)
            {
                errors = e.Errors.Count > 0 ? e.Errors : [e.Message];
            }

            if (ctx.Json)
            {
                ctx.Output.WriteJson(new JsonObject { ["valid"] = errors.Count == 0, ["errors"] = new JsonArray([.. errors.Select(e => (JsonNode)JsonValue.Create(e))]) });
            }
            else if (errors.Count == 0)
            {
                ctx.Output.Line("[green]Configuration is valid.[/]");
            }
            else
            {
                foreach (var e in errors)
                {
                    ctx.Environment.Error.WriteLine("Error: " + e);
                }

                ctx.Environment.Error.WriteLine($"Suggestion: fix the {errors.Count} setting(s) above; 'buquet config show' lists each value and where it came from.");
            }

            return Task.FromResult(errors.Count == 0 ? ExitCodes.Ok : ExitCodes.UserError);
        });

        return new Command("config", "Show or validate the effective configuration (files, environment, flags).") { show, validate };
    }
}
