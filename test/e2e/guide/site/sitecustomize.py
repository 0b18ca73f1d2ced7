# Put on PYTHONPATH by test/e2e/guide.test.ts, never by a user: where GUIDE_SHOWN_DIR is set, PIL's
# Image.show() (the analyze-image example ends with it) saves the image there instead of opening a
# viewer, so the test can look at what the example drew on a machine without a display.
import os

if os.environ.get("GUIDE_SHOWN_DIR"):
    from PIL import ImageShow

    class _SavingViewer(ImageShow.Viewer):
        def show(self, image, **options):
            folder = os.environ["GUIDE_SHOWN_DIR"]
            image.save(os.path.join(folder, f"shown-{len(os.listdir(folder))}.png"))
            return 1

    ImageShow.register(_SavingViewer, 0)
