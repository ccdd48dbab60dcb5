using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Buquet.Host.Cli;
using Spectre.Console;

namespace Buquet.Host.Output;

/// <summary>
/// Where a command writes. Human lines use Spectre markup, rendered in colour only when stdout is a terminal and
/// <c>--json</c> is off (and <c>NO_COLOR</c> unset); otherwise the markup is stripped. JSON goes to stdout unwrapped.
/// Errors go to stderr as <c>Error: …</c> / <c>Suggestion: …</c> (and, with --json, also as a JSON object on stdout).
/// </summary>
internal sealed class CliOutput
{
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly CliEnvironment _environment;
    private readonly IAnsiConsole? _console;

    public CliOutput(CliEnvironment environment, bool json)
    {
        _environment = environment;
        Json = json;
        Colour = !json && !environment.IsOutputRedirected && string.IsNullOrEmpty(environment.Variable("NO_COLOR"));
        if (Colour)
        {
            _console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.Detect,
                ColorSystem = ColorSystemSupport.Detect,
                Out = new AnsiConsoleOutput(environment.Out),
            });
        }
    }

    /// <summary>JSON output was asked for.</summary>
    public bool Json { get; }

    /// <summary>Human output is coloured.</summary>
    public bool Colour { get; }

    public TextWriter Out => _environment.Out;

    /// <summary>Writes one human line given as Spectre markup (escape values with <see cref="Esc"/>).</summary>
    public void Line(string markup = "")
    {
        if (_console is not null)
        {
            _console.MarkupLine(markup);
        }
        else
        {
            _environment.Out.WriteLine(Markup.Remove(markup));
        }
    }

    /// <summary>Writes one line of plain text, unmodified.</summary>
    public void Plain(string text) => _environment.Out.WriteLine(text);

    /// <summary>Writes an indented JSON document.</summary>
    public void WriteJson(JsonNode? node) => _environment.Out.WriteLine(node is null ? "null" : node.ToJsonString(Pretty));

    /// <summary>Writes a compact JSON document on one line (streams such as <c>tail</c>).</summary>
    public void WriteJsonLine(JsonNode? node)
    {
        _environment.Out.WriteLine(node is null ? "null" : node.ToJsonString(Compact));
        _environment.Out.Flush();
    }

    /// <summary>A warning on stderr.</summary>
    public void Warn(string message) => _environment.Error.WriteLine("Warning: " + message);

    /// <summary>Reports a failure: stderr lines, plus a JSON error object on stdout with --json.</summary>
    public void Error(string message, string? suggestion, int exitCode)
    {
        _environment.Error.WriteLine("Error: " + message);
        if (!string.IsNullOrEmpty(suggestion))
        {
            _environment.Error.WriteLine("Suggestion: " + suggestion);
        }

        if (Json)
        {
            WriteJson(new JsonObject
            {
                ["error"] = new JsonObject
                {
                    ["message"] = message,
                    ["suggestion"] = suggestion,
                    ["exit_code"] = exitCode,
                },
            });
        }
    }

    /// <summary>Escapes text for markup.</summary>
    public static string Esc(string? text) => Markup.Escape(text ?? string.Empty);
}
