// Chaos tests start real worker processes and S3 servers and measure what they do over time: run one class at a time,
// so the 2,000-task scenario does not starve the single-fault scenarios (a skewed-clock worker that cannot start in
// time, an RGW restart whose outage overlaps a loaded machine's slow start) of the machine's two cores.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
