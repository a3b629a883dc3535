//go:build windows

package app

import toast "git.sr.ht/~jackmordaunt/go-toast"

// toastNotifier shows Windows toasts whose click opens the item: the toast
// is protocol-activated with tack://open?link=…, so Windows starts tack.exe
// with that URL (the installer registers tack://), Wails' single-instance
// lock hands it to the running window (secondInstance), and LinkRoute lets
// only UI routes through. A toast without a link opens nothing.
type toastNotifier struct{}

func newClickNotifier(func(string)) clickNotifier { return toastNotifier{} }

func (toastNotifier) notify(appName, icon, title, body, link string) error {
	n := toast.Notification{AppID: appName, Title: title, Body: body, Icon: icon}
	if link != "" {
		n.ActivationType = toast.Protocol
		n.ActivationArguments = OpenLinkURL(link)
	}
	return n.Push()
}
