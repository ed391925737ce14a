/* xclose — asks the X window named NAME to close, as a window manager's close button or
 * Alt+F4 does: a WM_PROTOCOLS / WM_DELETE_WINDOW client message.  For tests of what the
 * kiosk does when its window is closed.  Exit 0 sent, 1 no such window, 2 no display. */
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <stdio.h>
#include <string.h>

static Window find(Display *d, Window w, const char *name)
{
    char *wn = NULL;
    if (XFetchName(d, w, &wn) && wn) {
        int same = strcmp(wn, name) == 0;
        XFree(wn);
        if (same)
            return w;
    }
    Window root, parent, *kids = NULL;
    unsigned int n = 0;
    Window found = 0;
    if (XQueryTree(d, w, &root, &parent, &kids, &n)) {
        for (unsigned int i = 0; i < n && !found; i++)
            found = find(d, kids[i], name);
        if (kids)
            XFree(kids);
    }
    return found;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: xclose WINDOW-NAME\n");
        return 2;
    }
    Display *d = XOpenDisplay(NULL);
    if (!d) {
        fprintf(stderr, "xclose: cannot open the display\n");
        return 2;
    }
    Window w = find(d, DefaultRootWindow(d), argv[1]);
    if (!w) {
        XCloseDisplay(d);
        return 1;
    }
    XEvent ev;
    memset(&ev, 0, sizeof ev);
    ev.xclient.type = ClientMessage;
    ev.xclient.window = w;
    ev.xclient.message_type = XInternAtom(d, "WM_PROTOCOLS", False);
    ev.xclient.format = 32;
    ev.xclient.data.l[0] = (long)XInternAtom(d, "WM_DELETE_WINDOW", False);
    ev.xclient.data.l[1] = CurrentTime;
    XSendEvent(d, w, False, NoEventMask, &ev);
    XSync(d, False);
    XCloseDisplay(d);
    return 0;
}
