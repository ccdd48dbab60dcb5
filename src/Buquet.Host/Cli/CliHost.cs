using System.CommandLine;
using System.Text.Json;
using Buquet.Actors.Client;
using Buquet.Actors.Configuration;
using Buquet.Actors.Hosting;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Host.Output;

namespace Buquet.Host.Cli;

/// <summary>What a <see cref="CliCommandFactory"/> gets: the global options, the environment, and the action wrapper.</summary>
internal sealed class CliHost(GlobalOptions globals, CliEnvironment environment)
{
    public GlobalOptions Globals { get; } = globals;

    public CliEnvironment Environment { get; } = environment;

    /// <summary>
    /// Sets <paramref name="command"/>'s action. The action gets a <see cref="CliContext"/> (lazy configuration, options,
    /// store and client; output) and returns an exit code; exceptions become <c>Error:</c>/<c>Suggestion:</c> and exit 1 or 2.
    /// A <see cref="StoreAccess.ReadOnly"/> command never creates a store: a missing local directory is an error.
    /// </summary>
    public void SetAction(Command command, Func<CliContext, CancellationToken, Task<int>> action, StoreAccess access = StoreAccess.ReadWrite)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(action);
        command.SetAction(async (parse, ct) =>
        {
            var output = new CliOutput(Environment, parse.GetValue(Globals.Json));
            await using var context = new CliContext(parse, Globals, Environment, output, access);
            try
            {
                return await action(context, ct).ConfigureAwait(false);
            }
            catch (Exception error) when (Classify(error, ct) is { } failure)
            {
                output.Error(failure.Message, failure.Suggestion, failure.ExitCode);
                return failure.ExitCode;
            }
        });
    }

    private const string DoctorHint = "Run 'buquet doctor' to check the configuration and the store.";

    /// <summary>Maps an exception to what the user is told and the exit code.</summary>
    internal static CliException? Classify(Exception error, CancellationToken ct) => error switch
    {
        CliException e => e,
        OperationCanceledException when ct.IsCancellationRequested => CliException.User("Interrupted.", null),
        BuquetConfigurationException e => CliException.User(
            "Invalid configuration:" + string.Concat(e.Errors.Select(x => System.Environment.NewLine + "  - " + x)),
            "Fix the settings named above (file, environment or flag); 'buquet config show' lists every value and where it came from."),
        HoconParseException e => CliException.User(e.Message, "Fix the configuration file at the line named above; see HOCON/reference.conf for every setting."),
        FileNotFoundException e => CliException.User(e.Message, "Check the path given to --config or BUQUET_CONFIG."),
        IdempotencyConflictException e => CliException.User(e.Message, "Use a new --idempotency-key, or submit the same input as the original task."),
        PayloadTooLargeException e => CliException.User(e.Message + " Nothing was submitted.",
            "Store large data elsewhere (e.g. in the bucket) and pass a reference in the input, or raise buquet.queue.max-payload-size for every producer and worker."),
        Buquet.Actors.Schemas.SchemaValidationException e => CliException.User(e.Message.TrimEnd('.') + ". Nothing was submitted.",
            "Fix the input at the paths above; 'buquet schema get TYPE' shows the schema and 'buquet schema validate TYPE JSON' checks an input without submitting."),
        Buquet.Actors.Schemas.SchemaNotFoundException e => CliException.User(e.Message + " Nothing was submitted.",
            "Store the type's schema with 'buquet schema set TYPE @schema.json', or submit without --validate."),
        Buquet.Actors.Schemas.InvalidTaskSchemaException e => CliException.User(e.Message.TrimEnd('.') + ". Nothing was written.",
            "Fix the part named above: a JSON Schema draft 2020-12 object (or true/false); a $ref must point inside it, e.g. '#/$defs/address'."),
        JsonException e => CliException.User("Invalid JSON: " + e.Message, "Pass valid JSON, e.g. -i '{\"n\": 1}', or a file with -i @input.json."),
        ArgumentException or FormatException => CliException.User(error.Message, "Check the value named above; 'buquet <command> --help' lists the accepted forms."),
        ObjectStoreConfigurationException e => CliException.Infrastructure(e.Message, StoreHint(e.Problem), e),
        ObjectStoreUnavailableException e => CliException.Infrastructure(
            "The store did not answer: " + e.Message,
            "Check that the endpoint is reachable and the credentials are valid (S3_ENDPOINT, AWS_ACCESS_KEY_ID); " + DoctorHint, e),
        MalformedObjectException e => CliException.Infrastructure(e.Message, "The stored object is unreadable; inspect or delete it in the bucket. " + DoctorHint, e),
        IOException or UnauthorizedAccessException => CliException.Infrastructure(
            "Store I/O failed: " + error.Message, "Check that the local store directory exists and is writable (--local-path). " + DoctorHint, error),
        _ => CliException.Infrastructure($"Unexpected {error.GetType().Name}: {error.Message}", DoctorHint + " If it persists, report it with the command line used.", error),
    };

    private static string StoreHint(StoreConfigurationProblem problem) => problem switch
    {
        StoreConfigurationProblem.BucketMissing => "Create the bucket (with versioning on) or fix --bucket / S3_BUCKET. " + DoctorHint,
        StoreConfigurationProblem.Unreachable => "Check that the endpoint is reachable (--endpoint / S3_ENDPOINT) and the server is running. " + DoctorHint,
        StoreConfigurationProblem.LocalStoreMissing => "Check --local-path (buquet.store.local.path, default ./buquet-data) and the working directory; 'buquet submit' or 'buquet worker' creates the store.",
        StoreConfigurationProblem.OldLocalLayout => "Point --local-path (buquet.store.local.path) at a new directory; the old layout is not read by this version.",
        StoreConfigurationProblem.VersioningBreaksConditionalWrites => "Set " + S3VersioningAdvice.AllowNoVersioning + "; do not enable versioning on this endpoint.",
        StoreConfigurationProblem.VersioningOff => "Enable bucket versioning, or set buquet.store.s3.allow-no-versioning = true to run without task history.",
        _ => "Check --endpoint/--bucket (S3_ENDPOINT, S3_BUCKET) and the credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY). " + DoctorHint,
    };
}
