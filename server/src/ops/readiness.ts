/**
 * Whether the instance wants new requests. A load balancer reads it through `/readyz`: on SIGTERM
 * the instance first turns not-ready and keeps serving while the balancer's health check notices,
 * and only then stops accepting (main.ts), so a rolling restart fails no request.
 */
export class Readiness {
  private draining = false;

  get isDraining(): boolean {
    return this.draining;
  }

  drain(): void {
    this.draining = true;
  }
}
