# Put on PYTHONPATH by test/e2e/guide.test.ts, never by a user: where GUIDE_SHOWN_DIR is set, PIL's
# Image.show() (the analyze-image example ends with it) saves the image there instead of opening a
# viewer, so the test can look at what the example drew on a machine without a display. Where
# GUIDE_SLEEP_SCALE is set, time.sleep waits that fraction of what it is asked: the examples and
# boto3's waiters poll every 5-120 s, written for training that takes an hour; Loupe's takes seconds.
import os
import time

if os.environ.get("GUIDE_SLEEP_SCALE"):
    _scale = float(os.environ["GUIDE_SLEEP_SCALE"])
    _sleep = time.sleep

    def _scaled_sleep(seconds):
        _sleep(seconds * _scale)

    time.sleep = _scaled_sleep

if os.environ.get("GUIDE_SHOWN_DIR"):
    from PIL import ImageShow

    class _SavingViewer(ImageShow.Viewer):
        def show(self, image, **options):
            folder = os.environ["GUIDE_SHOWN_DIR"]
            image.save(os.path.join(folder, f"shown-{len(os.listdir(folder))}.png"))
            return 1

    ImageShow.register(_SavingViewer, 0)
