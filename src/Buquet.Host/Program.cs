using Buquet.Host.Cli;
using Buquet.Host.Cli.Schedule;

// The `buquet` executable: the operator CLI (and, registered here as one line each, the worker service and demo).
return await new CliApp([
    .. CliApp.OperatorCommands,
    ServeCommand.Create,
    ScheduleCommand.Create,
    MonitorCommand.Create,
]).RunAsync(args);
