/**
 * A notice shown only if what it is about takes longer than a moment: `show` runs after
 * `after` milliseconds unless `stop` came first. Quick work then shows nothing (no
 * notification flashing up and still fading out over what follows); slow work shows
 * that it is going on.
 */
export class SlowNotice {
  constructor(after: number, show: () => string) {
    this._timer = setTimeout(() => {
      this._id = show();
    }, after);
  }

  /** Stop waiting: the id `show` returned if it ran, else null. */
  stop(): string | null {
    clearTimeout(this._timer);
    return this._id;
  }

  private _timer: ReturnType<typeof setTimeout>;
  private _id: string | null = null;
}
