"""A reused kernel gives each notebook what a fresh kernel gives it (analysis.warm_kernel)."""
import nbformat
import pytest

from analysis.execution import execute_notebook
from analysis.warm_kernel import shutdown_warm_kernel

pytestmark = pytest.mark.slow

_KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def _notebook(path, *sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nb.metadata.kernelspec = _KERNELSPEC
    nbformat.write(nb, path)
    return {"notebook": str(path), "kernel": "python3", "parameters": {}, "replace": {str(path.parent): "dir"}}


def test_a_notebook_sees_nothing_its_predecessor_changed(tmp_path):
    messy = _notebook(
        tmp_path / "a.ipynb",
        "import os, warnings, pandas as pd, matplotlib as mpl, matplotlib.pyplot as plt\n"
        "pd.set_option('display.precision', 1); mpl.rcParams['lines.linewidth'] = 9\n"
        "warnings.simplefilter('error'); os.chdir('/'); leftover = 42; plt.figure()",
    )
    probe = _notebook(
        tmp_path / "b.ipynb",
        "import os, warnings, pandas as pd, matplotlib as mpl, matplotlib.pyplot as plt\n"
        "print(pd.get_option('display.precision'), mpl.rcParams['lines.linewidth'], "
        "os.getcwd() == os.path.dirname(os.path.abspath('b.ipynb')), plt.get_fignums(), "
        "'leftover' in dir(), warnings.filters[:1])",
        "print('second cell')",
    )
    try:
        fresh = execute_notebook(probe)["text"]
        shutdown_warm_kernel()
        assert execute_notebook(messy)["error"] is None
        reused = execute_notebook(probe)["text"]
    finally:
        shutdown_warm_kernel()
    assert reused == fresh
    assert '"execution_count": 1' in reused and '"execution_count": 2' in reused


def test_a_kernel_that_died_is_replaced(tmp_path):
    dying = _notebook(tmp_path / "d.ipynb", "import os; os._exit(1)")
    fine = _notebook(tmp_path / "f.ipynb", "print('still here')")
    try:
        assert execute_notebook(dying)["error"] is not None
        result = execute_notebook(fine)
    finally:
        shutdown_warm_kernel()
    assert result["error"] is None and "still here" in result["text"]
