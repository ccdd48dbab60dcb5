namespace Buquet.Actors.Workflows;

/// <summary>A workflow definition is invalid (unknown or self dependency, cycle, duplicate or bad name).</summary>
public sealed class WorkflowDefinitionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkflowDefinitionException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the steps.</param>
    public WorkflowDefinitionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public WorkflowDefinitionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
