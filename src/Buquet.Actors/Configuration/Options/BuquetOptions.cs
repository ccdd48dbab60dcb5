using Microsoft.Extensions.Configuration;

namespace Buquet.Actors.Configuration;

/// <summary>
/// All Buquet settings, bound from the <c>buquet</c> configuration section. HOCON keys are kebab-case
/// (<c>buquet.queue.shard-prefix-length</c>); PascalCase keys (<c>Buquet:Queue:ShardPrefixLength</c>) bind too.
/// Durations are strings such as <c>30s</c> (<see cref="Durations"/>), sizes such as <c>256KiB</c> (<see cref="ByteSizes"/>).
/// </summary>
public sealed class BuquetOptions
{
    /// <summary>The configuration section that holds these settings.</summary>
    public const string SectionName = "buquet";

    /// <summary>Object store (<c>buquet.store</c>).</summary>
    public StoreOptions Store { get; set; } = new();

    /// <summary>Queue and task defaults (<c>buquet.queue</c>).</summary>
    public QueueOptions Queue { get; set; } = new();

    /// <summary>Worker (<c>buquet.worker</c>).</summary>
    public WorkerOptions Worker { get; set; } = new();

    /// <summary>Timeout monitor and index sweeper (<c>buquet.monitor</c>).</summary>
    public MonitorOptions Monitor { get; set; } = new();

    /// <summary>Removal of finished tasks after configured ages (<c>buquet.retention</c>).</summary>
    public RetentionOptions Retention { get; set; } = new();

    /// <summary>Recurring schedules (<c>buquet.scheduler</c>).</summary>
    public SchedulerOptions Scheduler { get; set; } = new();

    /// <summary>Workflows (<c>buquet.workflows</c>).</summary>
    public WorkflowOptions Workflows { get; set; } = new();

    /// <summary>Web dashboard (<c>buquet.dashboard</c>).</summary>
    public DashboardOptions Dashboard { get; set; } = new();

    /// <summary>Metrics and traces (<c>buquet.telemetry</c>).</summary>
    public TelemetryOptions Telemetry { get; set; } = new();

    /// <summary>Store-clock synchronisation (<c>buquet.clock</c>).</summary>
    public ClockOptions Clock { get; set; } = new();

    /// <summary>The optional clustered fleet (<c>buquet.cluster</c>, ADR 0026).</summary>
    public ClusterOptions Cluster { get; set; } = new();

    /// <summary>Conversion errors found while binding; reported by <see cref="BuquetOptionsValidator"/>.</summary>
    internal List<string> BindingErrors { get; } = [];

    /// <summary>Binds the <c>buquet</c> section of <paramref name="configuration"/> without validating ranges.</summary>
    /// <param name="configuration">A configuration root (the <c>buquet</c> section is read from it).</param>
    /// <returns>The bound options; unset keys keep their <see cref="BuquetDefaults"/>.</returns>
    /// <exception cref="BuquetConfigurationException">A value could not be converted or a key is unknown; every problem is listed.</exception>
    public static BuquetOptions Bind(IConfiguration configuration)
    {
        var options = new BuquetOptions();
        BuquetOptionsBinder.BindInto(configuration, options);
        return options.BindingErrors.Count > 0 ? throw new BuquetConfigurationException(options.BindingErrors) : options;
    }

    /// <summary>Binds and validates; what the host calls at start.</summary>
    /// <exception cref="BuquetConfigurationException">Binding or validation failed; every problem is listed.</exception>
    public static BuquetOptions Load(IConfiguration configuration)
    {
        var options = new BuquetOptions();
        BuquetOptionsBinder.BindInto(configuration, options);
        var errors = BuquetOptionsValidator.Check(options);
        return errors.Count > 0 ? throw new BuquetConfigurationException(errors) : options;
    }
}

/// <summary>The configuration is invalid: <see cref="Errors"/> lists each bad key with its value and what is allowed.</summary>
public sealed class BuquetConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BuquetConfigurationException()
        : this(["invalid configuration"])
    {
    }

    /// <summary>Creates the exception with one error.</summary>
    public BuquetConfigurationException(string message)
        : this([message])
    {
    }

    /// <summary>Creates the exception with one error and a cause.</summary>
    public BuquetConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    /// <summary>Creates the exception listing every error.</summary>
    public BuquetConfigurationException(IReadOnlyList<string> errors)
        : base(Format(errors))
    {
        Errors = errors;
    }

    /// <summary>One line per problem, each naming the key and the bad value.</summary>
    public IReadOnlyList<string> Errors { get; }

    private static string Format(IReadOnlyList<string> errors) =>
        errors.Count == 1 ? $"Invalid configuration: {errors[0]}" : "Invalid configuration:" + string.Concat(errors.Select(e => $"{Environment.NewLine}  - {e}"));
}
