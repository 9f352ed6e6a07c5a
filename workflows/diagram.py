"""The request state machine as a Mermaid diagram, read from the model's transitions."""

from workflows.models import ApprovalRequest

HEADER = """# Approval request states

Generated from `ApprovalRequest`'s django-fsm-2 transitions by
`python manage.py states_diagram`; a test fails when this file is out of date.
Each arrow is a transition method; the note after it is who may take it.

"""


WHO = {
    "_is_system": "system",
    "_may_decide": "current approver or substitute",
    "_may_return_to_review": "later approver",
    "_is_administrator": "administrator",
    "_may_override": "administrator other than the requester (unless segregation of duties is off)",
}


def _who(transition) -> str:
    name = getattr(transition.permission, "__name__", str(transition.permission))
    return WHO.get(name, name)


def states_markdown() -> str:
    field = ApprovalRequest._meta.get_field("state")
    labels = dict(ApprovalRequest.State.choices)
    arrows = set()
    for transition in field.get_all_transitions(ApprovalRequest):
        sources = [transition.source] if isinstance(transition.source, str) else transition.source
        for source in sources:
            arrows.add((source, transition.target, transition.name, _who(transition)))
    lines = ["```mermaid", "stateDiagram-v2"]
    lines += [f"    {value}: {label}" for value, label in labels.items()]
    lines.append(f"    [*] --> {ApprovalRequest.State.DRAFT}")
    lines += [f"    {source} --> {target}: {name} ({who})" for source, target, name, who in sorted(arrows)]
    lines += [f"    {state} --> [*]" for state in (ApprovalRequest.State.PUBLISHED,)]
    lines.append("```")
    table = ["", "| transition | from | to | who may take it |", "| --- | --- | --- | --- |"]
    table += [f"| `{name}` | {labels[source]} | {labels[target]} | {who} |"
              for source, target, name, who in sorted(arrows, key=lambda a: (a[2], a[0]))]  # fmt: skip
    return HEADER + "\n".join(lines + table) + "\n"
