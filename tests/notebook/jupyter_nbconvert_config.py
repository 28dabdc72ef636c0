"""nbconvert configuration for the notebook test (tests/notebook/notebook_test.ts).

The test copies this file into a temporary JUPYTER_CONFIG_DIR, where `jupyter nbconvert` loads
it. Deno's Jupyter kernel (2.9) relays a cell's result from its REPL thread, so the
`execute_result` / `display_data` message can reach IOPub just after the kernel's `idle` status;
nbclient stops reading a cell's output at `idle` and would drop it (about one cell in eight on a
busy machine). This keeps reading the cell's IOPub messages for a short grace period after
`idle`, so every output of the cell is recorded. Nothing else changes.
"""

import time
from queue import Empty

from nbclient.client import NotebookClient
from nbclient.exceptions import CellExecutionComplete
from nbclient.util import ensure_async

GRACE_SECONDS = 1.5

_poll_output = NotebookClient._async_poll_output_msg


async def _poll_output_with_grace(self, parent_msg_id, cell, cell_index):
    await _poll_output(self, parent_msg_id, cell, cell_index)
    deadline = time.monotonic() + GRACE_SECONDS
    while (left := deadline - time.monotonic()) > 0:
        try:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=left))
        except Empty:
            return
        if msg["parent_header"].get("msg_id") == parent_msg_id:
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                pass


NotebookClient._async_poll_output_msg = _poll_output_with_grace
