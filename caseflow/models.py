"""Django loads an app's models from its `models` module; Caseflow's are defined in the
concern packages (caseflow/<concern>/models.py), all in the one `caseflow` app, so that the
migrations and table names stayed where they were. Importing them here registers them."""

import caseflow.accounts.models  # noqa: F401
import caseflow.audit.models  # noqa: F401
import caseflow.callbacks.models  # noqa: F401
import caseflow.cases.models  # noqa: F401
import caseflow.notifications.models  # noqa: F401
import caseflow.team.models  # noqa: F401
