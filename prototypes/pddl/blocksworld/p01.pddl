; Small fixed blocksworld problem (generated once by a seeded generator).
(define (problem bw-4-1) (:domain blocksworld)
  (:objects b1 b2 b3 b4 - block)
  (:init (ontable b4) (on b1 b4) (clear b1) (ontable b3) (on b2 b3) (clear b2) (handempty))
  (:goal (and (on b4 b3) (on b1 b4))))
