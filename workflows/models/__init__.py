"""The engine's models, one module per part: what administrators configure, the requests themselves,
what was decided and recorded of them, and the conversation around them (comments, watchers,
email action links)."""

from workflows.models.conversation import ActionLink, Comment, Watch
from workflows.models.definition import MatrixRule, Substitution, Workflow, WorkflowStep
from workflows.models.record import AuditEvent, AuditEventQuerySet, Decision
from workflows.models.request import ApprovalRequest, Assignment
from workflows.models.revision_content import AuditReport, RequestDocument, RequestLine, _document_path

__all__ = [
    "ActionLink", "Comment", "Watch", "ApprovalRequest", "Assignment", "AuditEvent", "AuditEventQuerySet", "AuditReport", "Decision", "MatrixRule",
    "RequestDocument", "RequestLine", "Substitution", "Workflow", "WorkflowStep", "_document_path",
]
