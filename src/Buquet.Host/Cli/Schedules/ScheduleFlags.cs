using System.CommandLine;
using Buquet.Actors.Scheduling;
using Buquet.Actors.Scheduling.Planning;

namespace Buquet.Host.Cli.Schedules;

/// <summary>The flags shared by <c>schedule create</c> and <c>schedule update</c>, and how they become a spec or an update.</summary>
internal sealed class ScheduleFlags
{
    public ScheduleFlags(bool forCreate)
    {
        ForCreate = forCreate;
        TaskType = CliParsing.Option<string>("--task-type", "Task type each run submits (required).", "TYPE", "-t");
        TaskType.Required = forCreate;
        Cron = CliParsing.Option<string>("--cron", "5-field cron: minute hour day-of-month month day-of-week (day-of-week 1-7 with Sunday = 1, unlike crontab: prefer names, e.g. MON-FRI).", "CRON", "-c");
        Cron.Required = forCreate;
        Input = CliParsing.Option<string>("--input", "JSON input of every run; @path reads a file, @- reads stdin.", "JSON|@FILE", "-i");
        Timeout = CliParsing.Option<string>("--timeout", "Lease per attempt of each run (e.g. 5m); default: the queue's default at submit.", "DUR");
        Retries = CliParsing.Option<int?>("--retries", "Retries of each run; default: the queue's default at submit.", "N");
        TimeZone = CliParsing.Option<string>("--tz", "IANA time zone whose wall clock the cron describes (default UTC; Buquet.Actors schedulers only).", "IANA");
        CatchUp = CliParsing.Option<string>("--catch-up", "Missed slots after downtime: none (default, buquet's behaviour), latest, all (up to 24) or all:N.", "none|latest|all|all:N");
        Jitter = CliParsing.Option<string>("--jitter", "Random start delay per run, up to this duration (the slot and its key do not change).", "DUR");
        FirstRun = CliParsing.Option<string>("--first-run", "First slot of a new schedule: after-creation (default) or from-epoch (buquet: fires on the next tick).", "after-creation|from-epoch");
        Disabled = CliParsing.Option<bool>("--disabled", forCreate ? "Create the schedule disabled." : "Disable the schedule (same as 'schedule disable').");
    }

    public bool ForCreate { get; }

    public Option<string> TaskType { get; }

    public Option<string> Cron { get; }

    public Option<string> Input { get; }

    public Option<string> Timeout { get; }

    public Option<int?> Retries { get; }

    public Option<string> TimeZone { get; }

    public Option<string> CatchUp { get; }

    public Option<string> Jitter { get; }

    public Option<string> FirstRun { get; }

    public Option<bool> Disabled { get; }

    /// <summary>The options to add to the command (update has no --task-type: buquet schedules keep their type).</summary>
    public IEnumerable<Option> All => ForCreate
        ? [TaskType, Cron, Input, Timeout, Retries, TimeZone, CatchUp, Jitter, FirstRun, Disabled]
        : [Cron, Input, Timeout, Retries, TimeZone, CatchUp, Jitter, FirstRun, Disabled];

    public ScheduleSpec ToSpec(string id, CliContext ctx)
    {
        var p = ctx.Parse;
        return new ScheduleSpec(id, p.GetValue(TaskType)!, p.GetValue(Cron)!)
        {
            Input = p.GetValue(Input) is { } input ? CliParsing.Input(input, ctx.Environment.In) : null,
            Timeout = TimeoutValue(p),
            MaxRetries = RetriesValue(p),
            Enabled = !p.GetValue(Disabled),
            Extensions = HasExtensionFlags(p) ? Extensions(p, ScheduleExtensions.Default) : null,
        };
    }

    public bool HasExtensionFlags(ParseResult p) =>
        p.GetValue(TimeZone) is not null || p.GetValue(CatchUp) is not null || p.GetValue(Jitter) is not null || p.GetValue(FirstRun) is not null;

    public bool HasAnyChange(ParseResult p) =>
        HasExtensionFlags(p) || p.GetValue(Cron) is not null || p.GetValue(Input) is not null || p.GetValue(Timeout) is not null
        || p.GetValue(Retries) is not null || p.GetValue(Disabled);

    /// <summary>The update; <paramref name="current"/> are the stored extensions the extension flags change.</summary>
    public ScheduleUpdate ToUpdate(CliContext ctx, ScheduleExtensions? current)
    {
        var p = ctx.Parse;
        return new ScheduleUpdate
        {
            Cron = p.GetValue(Cron),
            Input = p.GetValue(Input) is { } input ? CliParsing.Input(input, ctx.Environment.In) : null,
            Timeout = TimeoutValue(p),
            MaxRetries = RetriesValue(p),
            Enabled = p.GetValue(Disabled) ? false : null,
            Extensions = HasExtensionFlags(p) ? Extensions(p, current ?? ScheduleExtensions.Default) : null,
        };
    }

    private TimeSpan? TimeoutValue(ParseResult p) => p.GetValue(Timeout) is { } t ? CliParsing.Duration("--timeout", t) : null;

    private int? RetriesValue(ParseResult p)
    {
        var retries = p.GetValue(Retries);
        if (retries is < 0)
        {
            throw CliException.User($"--retries {retries} is negative.", "Give 0 or more retries, e.g. --retries 3.");
        }

        return retries;
    }

    private ScheduleExtensions Extensions(ParseResult p, ScheduleExtensions baseline)
    {
        var ext = baseline;
        if (p.GetValue(TimeZone) is { } tz)
        {
            ext = ext with { TimeZone = tz.Trim() };
        }

        if (p.GetValue(CatchUp) is { } catchUp)
        {
            try
            {
                ext = ext with { CatchUp = CatchUpPolicy.Parse(catchUp) };
            }
            catch (FormatException e)
            {
                throw CliException.User("--catch-up: " + e.Message, "Use --catch-up none, latest, all or all:N (e.g. all:10).");
            }
        }

        if (p.GetValue(Jitter) is { } jitter)
        {
            ext = ext with { MaxJitter = CliParsing.Duration("--jitter", jitter) };
        }

        if (p.GetValue(FirstRun) is { } first)
        {
            ext = ext with
            {
                FirstRun = first.Trim().ToLowerInvariant() switch
                {
                    "after-creation" => FirstRunPolicy.AfterCreation,
                    "from-epoch" => FirstRunPolicy.FromEpoch,
                    _ => throw CliException.User($"--first-run '{first}' is not a first-run policy.", "Use --first-run after-creation (default) or from-epoch."),
                },
            };
        }

        return ext;
    }
}
