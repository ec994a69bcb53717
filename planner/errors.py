"""The planner's errors: one hierarchy, each with a message meant for a person."""


class PlannerError(Exception):
    """Base of every foreseeable problem; the CLI prints its message on one line."""

    exit_code = 1


class InputError(PlannerError):
    """A date or option the user gave is wrong or contradicts another one."""

    exit_code = 2


class FileReadError(PlannerError):
    """A file the user named (a roster, a contacts log) cannot be opened or read."""

    exit_code = 1


class TemplateError(PlannerError):
    """A timeline template cannot be read or breaks a rule of the schema."""

    exit_code = 1


class OutputError(PlannerError):
    """A file cannot be written, or would replace a file the planner did not write."""

    exit_code = 1
