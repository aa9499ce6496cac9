"""plux entry point: ``LAMBDA_RUNTIME_EXECUTOR=local-subprocess`` selects the executor."""

from __future__ import annotations

from localstack.services.lambda_.invocation.plugins import RuntimeExecutorPlugin


class LocalSubprocessExecutorPlugin(RuntimeExecutorPlugin):
    """Registers :class:`LocalSubprocessRuntimeExecutor` under the name ``local-subprocess``."""

    name = "local-subprocess"

    def load(self, *args, **kwargs):
        from png2jpg_local_executor.executor import LocalSubprocessRuntimeExecutor

        return LocalSubprocessRuntimeExecutor
