import { useState, type ReactNode } from 'react';
import { apiUrl } from '../api/api-client.ts';
import './template-card-face.css';

/** The address of a holder's own card face, drawn from its template (GET /me/cards/{id}/face.svg). */
export function templateFaceUrl(cardId: string): string {
  return apiUrl(`/me/cards/${encodeURIComponent(cardId)}/face.svg`);
}

/**
 * A card's front as its template draws it, the same drawing the printer gets, so the virtual
 * card looks like the printed one. The SVG stays sharp at any screen density (its QR code
 * included). When the face cannot be drawn (no template applies to the card, or offline without
 * a saved copy) `fallback` shows instead. `inactive` greys it out with a stripe, as the page's
 * other faces.
 */
export function TemplateCardFace({ cardId, alt, inactive, fallback }: { cardId: string; alt: string; inactive: boolean; fallback: ReactNode }) {
  const [failed, setFailed] = useState<string | null>(null);
  if (failed === cardId) return <>{fallback}</>;
  return (
    <div className={`template-card-face${inactive ? ' template-card-face--inactive' : ''}`} data-testid="template-card-face">
      <img src={templateFaceUrl(cardId)} alt={alt} onError={() => setFailed(cardId)} />
    </div>
  );
}
