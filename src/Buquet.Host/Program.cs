using Buquet.Host.Cli;
using Buquet.Host.Cli.Schedules;
using Buquet.Host.Cli.Schema;

// The `buquet` executable: the operator CLI, the worker service, the demo, the dashboard, schedules, the
// standalone monitor and the benchmarks; one line per command.
return await new CliApp([
    .. CliApp.OperatorCommands,
    WorkerCommand.Create,
    DemoCommand.Create,
    ServeCommand.Create,
    ScheduleCommand.Create,
    SchemaCommand.Create,
    MonitorCommand.Create,
    BenchCommand.Create,
]) { ProcessTerminationTimeout = TimeSpan.FromMinutes(2) }.RunAsync(args);
