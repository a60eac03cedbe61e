/**
 * Browser notifications and a sound for new chats and messages (A12). Each can be switched
 * off; the choice is kept in localStorage. The sound is synthesised with Web Audio, so
 * there is no file to fetch and nothing for the Content-Security-Policy to allow.
 * @module dashboard/notify
 */

const KEYS = { notify: "comptoir.notifications", sound: "comptoir.sound" };

function stored(key, fallback) {
  try {
    const value = localStorage.getItem(key);
    return value === null ? fallback : value === "on";
  } catch {
    return fallback;
  }
}

function store(key, on) {
  try { localStorage.setItem(key, on ? "on" : "off"); } catch { /* private mode */ }
}

export class Notifier {
  constructor({ notifyButton, soundButton, gettext = (s) => s }) {
    this.gettext = gettext;
    this.notifyButton = notifyButton;
    this.soundButton = soundButton;
    this.notifyOn = stored(KEYS.notify, false) && "Notification" in window && Notification.permission === "granted";
    this.soundOn = stored(KEYS.sound, true);
    this.audio = null;
    notifyButton?.addEventListener("click", () => this.toggleNotifications());
    soundButton?.addEventListener("click", () => this.toggleSound());
    this.render();
  }

  render() {
    this.notifyButton?.setAttribute("aria-pressed", String(this.notifyOn));
    this.soundButton?.setAttribute("aria-pressed", String(this.soundOn));
  }

  async toggleNotifications() {
    if (this.notifyOn) {
      this.notifyOn = false;
    } else if ("Notification" in window) {
      const permission = Notification.permission === "default"
        ? await Notification.requestPermission() : Notification.permission;
      this.notifyOn = permission === "granted";
    }
    store(KEYS.notify, this.notifyOn);
    this.render();
  }

  toggleSound() {
    this.soundOn = !this.soundOn;
    store(KEYS.sound, this.soundOn);
    if (this.soundOn) this.beep();
    this.render();
  }

  /** Tell the agent: a sound always (if on), a notification when the tab is not in view.
   * `tag` groups notifications of one chat so they replace each other. */
  alert({ title, body, tag, onClick }) {
    if (this.soundOn) this.beep();
    if (!this.notifyOn || document.visibilityState === "visible" && document.hasFocus()) return;
    try {
      const n = new Notification(title, { body, tag, renotify: true });
      n.onclick = () => { window.focus(); onClick?.(); n.close(); };
    } catch { /* notifications refused in this context */ }
  }

  beep() {
    try {
      this.audio ??= new AudioContext();
      const ctx = this.audio;
      if (ctx.state === "suspended") ctx.resume();
      const gain = ctx.createGain();
      gain.gain.setValueAtTime(0.0001, ctx.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.2, ctx.currentTime + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + 0.35);
      gain.connect(ctx.destination);
      for (const [freq, at] of [[880, 0], [1320, 0.12]]) {
        const osc = ctx.createOscillator();
        osc.frequency.value = freq;
        osc.connect(gain);
        osc.start(ctx.currentTime + at);
        osc.stop(ctx.currentTime + at + 0.2);
      }
    } catch { /* no audio device */ }
  }
}
